// npm run bench:fleet: how many devices (one batch of 2 samples a second each) one instance on
// SQLite, one on PostgreSQL, and a cluster of instances behind nginx sustain on this machine with
// p99 ack latency under 250 ms; server memory per idle device connection; and how long the devices
// of a killed instance take to be held by the others. Everything runs on this machine: the devices
// share its cores with the servers, so these are lower bounds of what the servers alone would do.
// FLEET_LEVELS=100,300,1000 sets the device counts tried; FLEET_WINDOW_S the measuring window (10);
// FLEET_IDLE the idle devices for the memory figure (2000); FLEET_SETUPS which setups run
// (sqlite,postgres,cluster); FLEET_LOAD_PROCESSES the load's processes (2, fleet-load.ts);
// FLEET_CPU_PROF=DIR runs the instances under node --cpu-prof, profiles written to DIR when they stop.

import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Cluster } from "../host/cluster/cluster.js";
import { startPostgres } from "../host/cluster/engines.js";
import { Child, freePort } from "../host/cluster/processes.js";
import { SampleStore } from "../host/companion/store.js";
import { openPostgresStore } from "../host/companion/store-postgres.js";
import { cpuOf, Load, rssOf } from "./fleet-load.js";

const INSTANCE = fileURLToPath(new URL("../host/cluster/instance.js", import.meta.url));
const LEVELS = (process.env.FLEET_LEVELS ?? "100,300,1000,2000").split(",").map(Number);
const WINDOW_S = Number(process.env.FLEET_WINDOW_S ?? 10);
const IDLE = Number(process.env.FLEET_IDLE ?? 2000);
const SETUPS = (process.env.FLEET_SETUPS ?? "sqlite,postgres,cluster").split(",");
const PROFILE = process.env.FLEET_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.FLEET_CPU_PROF}`] : [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target { name: string; url: string; pids: number[]; instances: number[]; engines: number[]; token(id: string): Promise<string>; stop(): Promise<void> }

async function single(kind: "sqlite" | "postgres"): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-bench-"));
  const pg = kind === "postgres" ? await startPostgres() : null;
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), LOG_LEVEL: "error", COMPANION_DB: join(dir, "c.db"), COMPANION_RETENTION: "10000",
    ...(pg ? { COMPANION_POSTGRES_URL: pg.url, COMPANION_PG_POOL: "10" } : {}) };
  const child = new Child(`instance (${kind})`, process.execPath, [...PROFILE, "--expose-gc", INSTANCE], env);
  await child.ready(/listening on \d+/);
  // credentials go in the instance's own store (SQLite: WAL lets this process write beside it)
  const pgStore = pg ? await openPostgresStore(pg.url, undefined, 2) : null;
  const sqlite = pg ? null : new SampleStore(join(dir, "c.db"));
  return {
    name: `1 instance, ${kind === "sqlite" ? "SQLite" : "PostgreSQL"}`, url: `http://127.0.0.1:${port}`, pids: [child.pid], instances: [child.pid], engines: pg ? [pg.child.pid] : [],
    token: async (id) => (pgStore ? pgStore.credentials.add(id) : sqlite!.credentials.add(id)),
    async stop() { await child.stop(); sqlite?.close(); await pgStore?.close(); await pg?.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

async function cluster(instances: number): Promise<Target & { cluster: Cluster }> {
  const c = await new Cluster({ instances, workerConnections: 20_000, env: { COMPANION_RETENTION: "10000" }, nodeArgs: [...PROFILE, "--expose-gc"] }).start();
  const store = await openPostgresStore(c.postgres.url, undefined, 2);
  return {
    name: `${instances} instances + nginx, PostgreSQL, Redis`, url: c.url, cluster: c, pids: [...c.instances.map((i) => i.child.pid), c.nginx.child.pid], instances: c.instances.map((i) => i.child.pid), engines: [c.postgres.child.pid, c.redis.child.pid],
    token: async (id) => store.credentials.add(id),
    async stop() { await store.close(); await c.stop(); },
  };
}

/** Raises the device count level by level; returns the highest level whose p99 ack latency stayed under 250 ms. */
async function sustain(target: Target): Promise<{ devices: number; samplesPerSecond: number; p99: number }[]> {
  const load = new Load();
  const rows: { devices: number; samplesPerSecond: number; p99: number }[] = [];
  try {
    for (const level of LEVELS) {
      await load.grow(target.url, level, target.token);
      // connects settle (up to 30 s), then the first batches drain
      for (let waited = 0; waited < 30 && (await load.report()).connected < level * 0.99; waited++) await sleep(1000);
      await sleep(2000);
      load.reset();
      const cpu0 = [await cpuOf(target.pids), await cpuOf(target.engines), await cpuOf(load.pids)];
      await sleep(WINDOW_S * 1000);
      const report = await load.report();
      const cpu = [await cpuOf(target.pids), await cpuOf(target.engines), await cpuOf(load.pids)].map((c, k) => (100 * (c - cpu0[k])) / WINDOW_S);
      const row = { devices: level, connected: report.connected, samplesPerSecond: report.acked / WINDOW_S, p99: report.p99 };
      rows.push(row);
      console.log(`  ${target.name}: ${level} devices (${row.connected} connected): ${row.samplesPerSecond.toFixed(0)} samples/s acked, `
        + `p99 ack ${row.p99.toFixed(1)} ms; CPU % instances ${cpu[0].toFixed(0)}, engines ${cpu[1].toFixed(0)}, load ${cpu[2].toFixed(0)}; `
        + `load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
      if (row.p99 >= 250 || row.connected < level * 0.99) break;
    }
  } finally {
    await load.stop();
    await sleep(1000);
  }
  return rows;
}

/** The RSS of the instances and nginx after the instances collected their garbage (SIGUSR2, instance.ts). */
async function settledRss(target: Target): Promise<number> {
  for (const pid of target.instances) process.kill(pid, "SIGUSR2");
  await sleep(1000);
  return (await Promise.all(target.pids.map(rssOf))).reduce((a, b) => a + b, 0);
}

/**
 * Server memory per idle device connection: the RSS (instances and nginx, each after a GC) with none,
 * n/2 and n idle devices. From none counts what a fresh process grows once (heap sizing) as if it were
 * per device; from n/2 counts only what more devices add, but into heap pages already reserved. Both
 * are printed: RSS is the operating system's figure, and the truth is in between.
 */
async function idleMemory(target: Target, n: number): Promise<{ fromNone: number; marginal: number }> {
  const load = new Load("idle");
  const settled = async (count: number) => {
    await load.grow(target.url, count, target.token, 3_600_000, 1);
    for (let waited = 0; waited < 30 && (await load.report()).connected < count; waited++) await sleep(1000);
    await sleep(2000);
    return { rss: await settledRss(target), connected: (await load.report()).connected };
  };
  const none = await settled(0);
  const half = await settled(Math.floor(n / 2));
  const full = await settled(n);
  await load.stop();
  await sleep(1000);
  return { fromNone: (full.rss - none.rss) / Math.max(1, full.connected), marginal: (full.rss - half.rss) / Math.max(1, full.connected - half.connected) };
}

async function main(): Promise<void> {
  console.log(`Fleet bench: devices send one batch of 2 samples a second; levels ${LEVELS.join(", ")}; ${WINDOW_S} s windows; p99 target 250 ms\n`);
  const results: Record<string, { devices: number; samplesPerSecond: number; p99: number }[]> = {};
  const makers = { sqlite: () => single("sqlite"), postgres: () => single("postgres"), cluster: () => cluster(3) } as Record<string, () => Promise<Target>>;
  for (const setup of SETUPS) {
    const target = await makers[setup]();
    try {
      // memory first, on fresh servers: after a load their heaps stay grown and RSS would not show the idle cost
      const perIdle = IDLE > 0 ? await idleMemory(target, IDLE) : null;
      if (perIdle !== null) console.log(`  ${target.name}: ${(perIdle.fromNone / 1024).toFixed(1)} KB of server memory (RSS${target.pids.length > 1 ? ", instances + nginx" : ""}) `
        + `per idle device connection from none to ${IDLE}, ${(perIdle.marginal / 1024).toFixed(1)} KB from ${IDLE / 2} to ${IDLE}`);
      results[target.name] = await sustain(target);
      if ("cluster" in target) await failover(target as Target & { cluster: Cluster });
    } finally {
      await target.stop();
    }
  }
  console.log("\nHighest level sustained with p99 ack < 250 ms:");
  for (const [name, rows] of Object.entries(results)) {
    const ok = rows.filter((r) => r.p99 < 250);
    const best = ok[ok.length - 1];
    console.log(`  ${name}: ${best ? `${best.devices} devices, ${best.samplesPerSecond.toFixed(0)} samples/s (p99 ${best.p99.toFixed(1)} ms)` : "none"}`);
  }
}

/** Kills one instance with 300 devices streaming; how long until every device it held is held by another. */
async function failover(target: Target & { cluster: Cluster }): Promise<void> {
  const { createClient } = await import("redis");
  const redis = createClient({ url: target.cluster.redis.url });
  await redis.connect();
  const load = new Load("failover");
  try {
    await load.grow(target.url, 300, target.token, 500, 2);
    await sleep(3000);
    const ids = load.ids;
    const holders = await redis.mGet(ids.map((id) => `companion:device:${id}`));
    const orphans = ids.filter((_, k) => holders[k]?.startsWith("i2 "));
    const t0 = performance.now();
    await target.cluster.kill("i2");
    for (;;) {
      const now = await redis.mGet(orphans.map((id) => `companion:device:${id}`));
      if (now.every((v) => v !== null && !v.startsWith("i2 "))) break;
      if (performance.now() - t0 > 60_000) throw new Error("devices not back in 60 s");
      await sleep(50);
    }
    console.log(`  failover: the ${orphans.length} devices of a killed instance (kill -9) held by the others after ${(performance.now() - t0).toFixed(0)} ms (device backoff 500 ms .. 5 s)`);
  } finally {
    await load.stop();
    await redis.close();
    await sleep(1000);
  }
}

await main();
process.exit(0);
