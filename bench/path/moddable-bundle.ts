// When MODDABLE points at an SDK checkout, bundles its ECMA-419 example client
// (examples/io/tcp/websocketclient/websocketclient.js) into build/bench/path/moddable-client.js at run
// time, untouched (esnext: private fields and ??= stay as XS runs them), its "timer" and "logical"
// imports pointed at the bench's stand-ins. Nothing of the SDK is kept in the repository.

import { existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "moddable-client.js");

/** The path of the example bundled, or null without MODDABLE (and then no stale bundle is left). */
export async function bundleModdableClient(): Promise<string | null> {
  rmSync(out, { force: true });
  const sdk = process.env.MODDABLE;
  if (!sdk) return null;
  const source = resolve(sdk, "examples/io/tcp/websocketclient/websocketclient.js");
  if (!existsSync(source)) throw new Error(`MODDABLE=${sdk}: no ${source}`);
  await build({
    entryPoints: [source], bundle: true, format: "esm", target: "esnext", outfile: out, logLevel: "error",
    plugins: [{
      name: "moddable-natives",
      setup(b) { b.onResolve({ filter: /^(timer|logical)$/ }, (a) => ({ path: `./shims/${a.path}.js`, external: true })); },
    }],
  });
  return source;
}
