// The fleet bench's load: simulated devices spread over FLEET_LOAD_PROCESSES child processes
// (fleet-load-worker.ts, 2 by default), each device a real WebSocket client of this stack over real
// TCP, sending one batch every `periodMs * batchSize` ms. Credentials are minted here, in the
// target's store; the workers report ack latencies and acked samples per measuring window.
// Each process holds at most a few thousand sockets: the shell's descriptor limit (ulimit -n,
// 20,000 here) is inherited by every child, and is enough for 10,000 devices over 2 processes.

import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FromWorker, ToWorker } from "./fleet-load-worker.js";

const WORKER = fileURLToPath(new URL("./fleet-load-worker.js", import.meta.url));
const PROCESSES = Math.max(1, Number(process.env.FLEET_LOAD_PROCESSES ?? 2));

export interface LoadReport { connected: number; acked: number; p99: number; latencies: number }

export class Load {
  /** The ids of every device started, in order. */
  readonly ids: string[] = [];
  readonly #workers: ChildProcess[] = [];
  readonly #prefix: string;

  constructor(prefix = "bench") {
    this.#prefix = prefix;
    for (let k = 0; k < PROCESSES; k++) this.#workers.push(fork(WORKER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  /** Adds devices up to `total`, `perBurst` every 250 ms so that connects do not all land at once. */
  async grow(url: string, total: number, token: (id: string) => Promise<string>, periodMs = 500, batchSize = 2, perBurst = 400): Promise<void> {
    while (this.ids.length < total) {
      const burst: { id: string; token: string }[][] = this.#workers.map(() => []);
      const minted: Promise<void>[] = [];
      for (let k = 0; k < perBurst && this.ids.length < total; k++) {
        const id = `${this.#prefix}-${this.ids.length}`, to = burst[this.ids.length % this.#workers.length];
        minted.push(token(id).then((t) => void to.push({ id, token: t })));
        this.ids.push(id);
      }
      await Promise.all(minted);
      await Promise.all(this.#workers.map((w, k) => burst[k].length === 0 ? undefined
        : this.#ask(w, { type: "add", url, devices: burst[k], periodMs, batchSize }, "added")));
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  get pids(): number[] { return this.#workers.map((w) => w.pid!); }

  /** Starts a measuring window: latencies and acked samples from now on. */
  reset(): void { for (const w of this.#workers) w.send({ type: "reset" } satisfies ToWorker); }

  /** Connected devices, samples acked and the p99 ack latency (ms) since the last reset. */
  async report(): Promise<LoadReport> {
    const parts = await Promise.all(this.#workers.map((w) => this.#ask(w, { type: "report" }, "report"))) as Extract<FromWorker, { type: "report" }>[];
    const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
    const p99 = latencies.length === 0 ? Infinity : latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))];
    return { connected: parts.reduce((n, p) => n + p.connected, 0), acked: parts.reduce((n, p) => n + p.acked, 0), p99, latencies: latencies.length };
  }

  /** Stops every device (with a close) and the worker processes. */
  async stop(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.connected ? this.#ask(w, { type: "stop" }, "stopped").catch(() => undefined) : undefined));
    this.#workers.length = 0;
  }

  #ask(worker: ChildProcess, message: ToWorker, answer: FromWorker["type"]): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type !== answer) return;
        worker.off("message", onMessage);
        worker.off("exit", onExit);
        resolve(m);
      };
      const onExit = () => { worker.off("message", onMessage); reject(new Error(`load process ${worker.pid} exited`)); };
      worker.on("message", onMessage);
      worker.once("exit", onExit);
      worker.send(message);
    });
  }
}

/** Resident memory of a process in bytes (Linux /proc). */
export async function rssOf(pid: number): Promise<number> {
  const { readFileSync } = await import("node:fs");
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) * 1024;
}

/** CPU seconds (user + system) used so far by each process and its children still running (Linux /proc). */
export async function cpuOf(pids: number[]): Promise<number> {
  const { readdirSync, readFileSync } = await import("node:fs");
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
      stats.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch { /* gone meanwhile */ }
  }
  const wanted = new Set(pids);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, s] of stats) if (!wanted.has(pid) && wanted.has(s.ppid)) { wanted.add(pid); grew = true; }
  }
  let ticks = 0;
  for (const pid of wanted) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks / 100; // USER_HZ
}
