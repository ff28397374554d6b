// Child processes of the cluster (engines and instances): started from temporary folders on loopback
// ports, each kept by pid, stopped by pid (a signal, then SIGKILL if it lingers), never by name.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export class EngineMissing extends Error {
  readonly code = "ENGINE_MISSING";
}

/** The path of an engine's program, or an EngineMissing that says how to install it. */
export function program(name: string, candidates: string[], debianPackage: string): string {
  for (const path of candidates) if (spawnSync("test", ["-x", path]).status === 0) return path;
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  throw new EngineMissing(`${name} is not installed: apt-get install ${debianPackage} (or run .ci/run, which installs it)`);
}

/**
 * A port free on 127.0.0.1 just now, below Linux's ephemeral range (32768-60999): an instance or an
 * engine restarted on its port must find it free, and an ephemeral port can meanwhile be taken as the
 * local end of any outgoing connection (seen: a revived instance's port held by a device's socket).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await listens(port)) return port;
  }
  throw new Error("no free port from 20000 to 31999 on 127.0.0.1");
}

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Children still running: killed by pid if this process exits first (a test runner's exit, a crash). */
const running = new Map<ChildProcess, NodeJS.Signals>();
process.on("exit", () => {
  for (const [child, signal] of running) child.kill(signal);
});

export class Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  #output = "";

  /** `onParentExit`: the signal that ends it at once and takes its own children along (nginx: SIGTERM; postgres: SIGQUIT). */
  constructor(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env, onParentExit: NodeJS.Signals = "SIGKILL") {
    this.name = name;
    this.process = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => { this.#output = (this.#output + chunk.toString()).slice(-20_000); };
    this.process.stdout!.on("data", keep);
    this.process.stderr!.on("data", keep);
    running.set(this.process, onParentExit);
    this.exited = new Promise((resolve) => this.process.on("exit", (code, signal) => {
      running.delete(this.process);
      resolve(code ?? (signal ? -1 : null));
    }));
    this.process.on("error", (e) => { this.#output += `\n${e.message}`; });
  }

  get pid(): number { return this.process.pid ?? -1; }
  get output(): string { return this.#output; }
  get running(): boolean { return this.process.exitCode === null && this.process.signalCode === null; }

  /** Waits until the output matches (the engine says it is ready); fails with its output if it exits first. */
  async ready(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.#output)) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.#output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready in ${timeoutMs} ms:\n${this.#output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` to this pid, and SIGKILL if it has not exited after `graceMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.process.kill(signal);
    const timer = setTimeout(() => this.running && this.process.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
