// Builds the XS test hosts (xs-host.c on two engine builds, see xs-engine.mk) and runs firmware modules
// under them. The build runs when this module is loaded, before any test starts, so its minutes on a
// clean machine count against no test's timeout; later loads find it cached and take a fraction of a second.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const ENGINE_DIR = join(root, "build/xs-engine");

/**
 * "device": UTF-8 strings and no debug bytecodes, as on boards and in Moddable's simulator.
 * "cesu8": xsnap's own engine objects (UTF-16-like strings), for code that must also hold under that model.
 */
export type XsEngine = "device" | "cesu8";

export interface XsRunOptions {
  engine?: XsEngine;
  /** Kill the run after this long: keep it inside the caller's mocha timeout (see XS_KILL_MARGIN_MS). */
  timeoutMs?: number;
}

/** What callers that give only a path get: inside the 300 s mocha timeout of the tests that call so. */
export const XS_DEFAULT_TIMEOUT_MS = 240_000;
/** A mocha timeout this much longer than the kill timeout lets a killed run be reported as such. */
export const XS_KILL_MARGIN_MS = 30_000;

export function xsHostPath(engine: XsEngine): string {
  return join(ENGINE_DIR, `xs-host-${engine}`);
}

/** Brings both hosts up to date with make -j2 (2 cores); returns the seconds it took when anything was rebuilt. */
export function buildXsHosts(): number | undefined {
  const require = createRequire(import.meta.url);
  const xsnap = dirname(require.resolve("@agoric/xsnap/package.json"));
  const engines: XsEngine[] = ["device", "cesu8"];
  const stamp = () => engines.map((e) => (existsSync(xsHostPath(e)) ? statSync(xsHostPath(e)).mtimeMs : 0)).join();
  const before = stamp();
  const started = Date.now();
  execFileSync("make", ["-s", "-j2", "-f", join(root, "host-tests/xs/xs-engine.mk"), `XSNAP=${xsnap}`, `OUT=${ENGINE_DIR}`], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (stamp() === before) return undefined;
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(`xs-host: XS test hosts built in ${seconds.toFixed(1)} s (${ENGINE_DIR})\n`);
  return seconds;
}

buildXsHosts();

export interface XsRun {
  status: number | null;
  /** The signal that ended the run: SIGKILL when it met its timeout. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  engine: XsEngine;
  ms: number;
}

/**
 * Runs an ES module (a compiled .js path) under XS and collects what it printed. A number as second
 * argument is the kill timeout (the bench's form); the default engine is the device-string one.
 */
export function runUnderXs(modulePath: string, options: XsRunOptions | number = {}): Promise<XsRun> {
  const { engine = "device", timeoutMs = XS_DEFAULT_TIMEOUT_MS } = typeof options === "number" ? { timeoutMs: options } : options;
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(xsHostPath(engine), [resolve(modulePath)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      stderr += `\nxs-host: killed after ${timeoutMs} ms (the caller's timeout)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolvePromise({ status, signal, stdout, stderr, engine, ms: Date.now() - started });
    });
  });
}

/** The JSON a module printed on its last line starting with "RESULT ". */
export function resultOf(run: XsRun): unknown {
  const line = run.stdout.split("\n").reverse().find((l) => l.startsWith("RESULT "));
  if (run.status !== 0 || line === undefined) {
    const how = run.signal !== null ? `signal ${run.signal}` : `status ${run.status}`;
    throw new Error(`XS run failed (${run.engine} engine, ${how}, ${run.ms} ms):\n${run.stderr}\n${run.stdout.slice(-2000)}`);
  }
  return JSON.parse(line.slice(7));
}
