// npm run bench:store: what a batch of 2 samples costs each store when its device holds nothing and
// when it holds its whole retention (100,000 samples), beside the same device with no retention, and
// what listing the devices and a CSV export then cost: a companion that has run a day must not cost more a batch than
// one that just started. Each figure is wall time, the batches one after another (no group commit
// overlap), on this machine. STORE_KEEP and STORE_BATCHES change the retention and the batches timed.

import { mkdtempSync, rmSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Batch } from "../firmware/app/stream-format.js";
import { startPostgres } from "../host/cluster/engines.js";
import { CompanionServer } from "../host/companion/companion-server.js";
import { SampleStore } from "../host/companion/store.js";
import { openPostgresStore } from "../host/companion/store-postgres.js";
import type { Awaitable, DeviceRow, Retention } from "../host/companion/store-types.js";

const KEEP = Number(process.env.STORE_KEEP ?? 100_000);
const BATCHES = Number(process.env.STORE_BATCHES ?? 3000);
const fmt = (n: number, d = 3) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

type Adds = (batch: Batch, now: number) => Awaitable<unknown>;
const batch = (device: string, first: number, n: number): Batch => ({
  deviceId: device, channels: 2, bootId: 1, firstSequence: first, dropped: 0,
  timestamps: Array.from({ length: n }, (_, i) => first + i), readings: Array.from({ length: n }, () => [20.5, 40.25]),
});

/** ms per batch of 2 (mean, p99, max) for a device that holds `held` samples first. */
async function perBatch(add: Adds, device: string, held: number): Promise<string> {
  for (let first = 0; first < held; first += 10_000) await add(batch(device, first, Math.min(10_000, held - first)), Date.now());
  const times: number[] = [];
  for (let k = 0; k < BATCHES; k++) {
    const t = performance.now();
    await add(batch(device, held + 2 * k, 2), Date.now());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, x) => s + x, 0) / times.length;
  return `${fmt(mean)} ms mean, p99 ${fmt(times[Math.floor(times.length * 0.99)])}, max ${fmt(times[times.length - 1], 1)}`;
}

/** The device listing (what a dashboard asks for whenever devices come and go): ms, with the rows it lists. */
async function listing(devices: () => Awaitable<DeviceRow[]>): Promise<string> {
  const t = performance.now();
  const rows = await devices();
  return `listing ${fmt(performance.now() - t, 1)} ms for ${fmt(rows.reduce((n, d) => n + d.samples, 0), 0)} samples stored`;
}

async function sqlite(retention: Retention, label: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "store-bench-"));
  const store = new SampleStore(join(dir, "s.db"), retention);
  try {
    console.log(`  SQLite, ${label}: new device ${await perBatch((b, n) => store.add(b, n), "new", 0)}; `
      + `device holding ${fmt(KEEP, 0)} ${await perBatch((b, n) => store.add(b, n), "full", KEEP)}; ${await listing(() => store.devices())}`);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A dashboard's CSV of a device at its retention, over HTTP: how long the server's event loop stalls meanwhile. */
async function csvExport(): Promise<void> {
  const server = new CompanionServer({ port: 0, database: ":memory:", dashboard: false, retention: { maxSamples: KEEP } });
  await server.start();
  try {
    await server.store.hello("csv", 1, { channels: ["a", "b"], units: ["", ""], commands: [] });
    for (let first = 0; first < KEEP; first += 10_000) await server.store.add(batch("csv", first, Math.min(10_000, KEEP - first)), 1);
    const base = `http://127.0.0.1:${server.port}`;
    const cookie = (await fetch(`${base}/api/session`)).headers.get("set-cookie")?.split(";")[0] ?? "";
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const t = performance.now();
    const text = await (await fetch(`${base}/api/devices/csv/samples.csv?limit=${KEEP}`, { headers: { Cookie: cookie } })).text();
    const ms = performance.now() - t;
    delay.disable();
    console.log(`  CSV export of ${fmt(KEEP, 0)} samples (SQLite, over HTTP): ${fmt(text.length / 1e6, 1)} MB in ${fmt(ms, 0)} ms; `
      + `the server's event loop stalled at most ${fmt(delay.max / 1e6, 0)} ms (this process is the client too)`);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(`A batch of 2 samples, ${fmt(BATCHES, 0)} one after another, per device state (retention ${fmt(KEEP, 0)} a device):`);
  await sqlite({ maxSamples: KEEP }, `retention ${fmt(KEEP, 0)}`);
  await sqlite({}, "no retention");
  await csvExport();
  const pg = await startPostgres({ durable: true });
  try {
    for (const [retention, label] of [[{ maxSamples: KEEP }, `retention ${fmt(KEEP, 0)}`], [{}, "no retention"]] as const) {
      const store = await openPostgresStore(pg.url, retention, 4);
      const tag = label.startsWith("no") ? "n" : "r";
      console.log(`  PostgreSQL, ${label}: new device ${await perBatch((b, n) => store.add(b, n), `${tag}-new`, 0)}; `
        + `device holding ${fmt(KEEP, 0)} ${await perBatch((b, n) => store.add(b, n), `${tag}-full`, KEEP)}; ${await listing(() => store.devices())}`);
      await store.close();
    }
  } finally {
    await pg.stop();
  }
}

await main();
