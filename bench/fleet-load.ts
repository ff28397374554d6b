// The fleet bench's load: simulated devices (the firmware's DeviceApp on this stack's host transport),
// each sending one batch a second, and the time from a batch's send to its ack, read from the
// device's own ring: takeBatch marks when each batch's last sequence left, acknowledge when it came back.

import type { DeviceApp } from "../firmware/app/device-app.js";
import { simulatedDevice } from "../host/simulated-device.js";

export class Load {
  readonly apps: DeviceApp[] = [];
  latencies: number[] = [];
  acked = 0;

  /** Adds devices up to `total`, `perSecond` at a time so that connects do not all land at once. */
  async grow(url: string, total: number, token: (id: string) => Promise<string>, periodMs = 500, batchSize = 2, perBurst = 200): Promise<void> {
    while (this.apps.length < total) {
      for (let k = 0; k < perBurst && this.apps.length < total; k++) {
        const id = `bench-${this.apps.length}`;
        const app = simulatedDevice({ url: `${url.replace(/^http/, "ws")}/device`, deviceId: id, token: await token(id), periodMs, batchSize,
          ringCapacity: 600, reconnect: { initialDelay: 500, maxDelay: 5000 }, heartbeat: { interval: 600_000, timeout: 60_000 } });
        this.#measure(app, batchSize);
        app.start();
        this.apps.push(app);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  #measure(app: DeviceApp, batchSize: number): void {
    const sentAt = new Map<number, number>();
    const ring = app.ring;
    const take = ring.takeBatch.bind(ring), acknowledge = ring.acknowledge.bind(ring);
    ring.takeBatch = (deviceId, out, max) => {
      const n = take(deviceId, out, max);
      sentAt.set(ring.nextSequence - ring.unsent - 1, performance.now());
      return n;
    };
    ring.acknowledge = (seq) => {
      const at = sentAt.get(seq);
      if (at !== undefined) {
        this.latencies.push(performance.now() - at);
        this.acked += batchSize;
        sentAt.delete(seq);
      }
      acknowledge(seq);
    };
  }

  /** Starts a measuring window: latencies and acked samples from now on. */
  reset(): void { this.latencies = []; this.acked = 0; }

  get connected(): number { return this.apps.filter((a) => a.connected).length; }

  p99(): number {
    if (this.latencies.length === 0) return Infinity;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  }

  stop(): void {
    for (const a of this.apps) a.stop();
    this.apps.length = 0;
  }
}

/** Resident memory of a process in bytes (Linux /proc). */
export async function rssOf(pid: number): Promise<number> {
  const { readFileSync } = await import("node:fs");
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) * 1024;
}
