// Builds the XS test host (xs-host.c) against the engine objects that @agoric/xsnap compiled at
// install time, and runs firmware modules under it.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const source = join(root, "host-tests/xs/xs-host.c");
export const XS_HOST = join(root, "build/xs-host");

/** The same flags xsnap's makefile compiles its engine with: the machine's layout depends on them. */
const DEFINES = [
  "-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="xsnapPlatform.h"', '-DXSNAP_VERSION="test"', "-DXSNAP_TEST_RECORD=0",
  "-DmxLockdown=1", "-DmxMetering=1", "-DmxDebug=1", "-UmxInstrument", "-DmxNoConsole=1", "-DmxBoundsCheck=1",
  "-DmxParse=1", "-DmxRun=1", "-DmxSloppy=1", "-DmxSnapshot=1", "-DmxRegExpUnicodePropertyEscapes=1",
  "-DmxStringNormalize=1", "-DmxMinusZero=1",
];

/** Compiles the host once (about a second); rebuilt when xs-host.c is newer. */
export function ensureXsHost(): string {
  if (existsSync(XS_HOST) && statSync(XS_HOST).mtimeMs >= statSync(source).mtimeMs) return XS_HOST;
  const require = createRequire(import.meta.url);
  const xsnap = dirname(require.resolve("@agoric/xsnap/package.json"));
  const xs = join(xsnap, "moddable/xs");
  const native = join(xsnap, "xsnap-native/xsnap");
  const objects = join(native, "build/tmp/lin/release/xsnap-worker");
  if (!existsSync(objects)) {
    throw new Error(`XS engine objects missing at ${objects}: reinstall @agoric/xsnap (npm ci runs its build)`);
  }
  const engine = readdirSync(objects).filter((f) => f.endsWith(".o") && f !== "xsnap-worker.o").map((f) => join(objects, f));
  execFileSync("cc", [
    "-O2", "-fno-common", ...DEFINES, `-I${xs}/includes`, `-I${xs}/platforms`, `-I${xs}/sources`, `-I${native}/sources`,
    "-w", source, ...engine, "-rdynamic", "-ldl", "-lm", "-lpthread", "-o", XS_HOST,
  ], { stdio: "inherit" });
  return XS_HOST;
}

export interface XsRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an ES module (a compiled .js path) under XS and collects what it printed. */
export function runUnderXs(modulePath: string, timeoutMs = 120_000): Promise<XsRun> {
  const host = ensureXsHost();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(host, [resolve(modulePath)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

/** The JSON a module printed on its last line starting with "RESULT ". */
export function resultOf(run: XsRun): unknown {
  const line = run.stdout.split("\n").reverse().find((l) => l.startsWith("RESULT "));
  if (run.status !== 0 || line === undefined) {
    throw new Error(`XS run failed (status ${run.status}):\n${run.stderr}\n${run.stdout.slice(-2000)}`);
  }
  return JSON.parse(line.slice(7));
}
