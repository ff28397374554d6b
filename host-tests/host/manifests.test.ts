import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// mcconfig builds only the modules a manifest names: a module imported by one of them and named
// nowhere compiles on the host and aborts the board (or the simulator) at load. Checked here, by
// the rule mcconfig applies: "name": "./path" or ["./path", ...], a trailing * for a folder.
const ROOT = resolve(".");

/**
 * The .ts files a manifest names, and those of the manifests it includes from this repository; a
 * name with a .c file and no .ts goes to `c` (mcconfig compiles and links it).
 */
function listed(manifest: string, seen = new Set<string>(), c = new Set<string>()): Set<string> {
  const json = JSON.parse(readFileSync(manifest, "utf8")) as { include?: string[]; modules?: Record<string, string | string[]> };
  const dir = dirname(manifest);
  for (const include of json.include ?? []) if (!include.startsWith("$(")) listed(resolve(dir, include), seen, c);
  for (const entry of Object.values(json.modules ?? {})) {
    for (const path of Array.isArray(entry) ? entry : [entry]) {
      if (path.startsWith("$(")) continue; // the SDK's own modules
      const full = resolve(dir, path);
      if (full.endsWith("*")) {
        const folder = full.slice(0, -1);
        for (const f of readdirSync(folder)) if (f.endsWith(".ts") && !f.endsWith(".d.ts")) seen.add(join(folder, f));
      } else if (!existsSync(`${full}.ts`) && existsSync(`${full}.c`)) c.add(`${full}.c`);
      else seen.add(`${full}.ts`);
    }
  }
  return seen;
}

/** Relative imports that stay in the compiled module (type-only imports are erased). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"(\.{1,2}\/[^"]+)\.js";/gms)) {
    // "import { type A, type B }" alone is erased too
    const names = /\{([^}]*)\}/.exec(m[0])?.[1];
    if (names !== undefined && names.split(",").every((n) => n.trim() === "" || n.trim().startsWith("type "))) continue;
    found.push(resolve(dirname(file), `${m[1]}.ts`));
  }
  return found;
}

describe("Device manifests", function () {
  for (const manifest of ["manifest.json", "firmware/websocket/manifest_websocket.json", "firmware/selftest/manifest.json"]) {
    it(`${manifest} names every module that its modules import`, function () {
      const modules = listed(resolve(manifest));
      assert.ok(modules.size > 5, `modules found: ${modules.size}`);
      const missing: string[] = [];
      for (const file of modules) {
        assert.ok(existsSync(file), `${relative(ROOT, file)} is named but does not exist`);
        for (const imported of importsOf(file)) if (!modules.has(imported)) missing.push(`${relative(ROOT, file)} -> ${relative(ROOT, imported)}`);
      }
      assert.deepEqual(missing, [], "imported but not in the manifest");
    });

    it(`${manifest} builds the C of every native() its modules call`, function () {
      const c = new Set<string>();
      const modules = listed(resolve(manifest), new Set(), c);
      const defined = new Set<string>(); // every native the firmware calls is its own C (no SDK module's)
      for (const file of c) for (const m of readFileSync(file, "utf8").matchAll(/^void (\w+)\(xsMachine \*the\)/gm)) defined.add(m[1]);
      const called: string[] = [];
      for (const file of modules) for (const m of code(file).matchAll(/\bnative\("(\w+)"\)/g)) called.push(m[1]);
      assert.ok(called.includes("xs_ws_utf8_check"), `natives called: ${called.join(", ")}`);
      assert.deepEqual(called.filter((name) => !defined.has(name)), [], "called, and no C file in the build defines it");
    });
  }
});

/** A module's text without its comments (which name natives too). */
function code(file: string): string {
  return readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}
