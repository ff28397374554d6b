// A cluster of real engines for the fleet tests (host/cluster/cluster.ts: PostgreSQL, Redis, nginx,
// companion instances as their own processes), devices minted in its PostgreSQL, and the check that
// every (device, boot, seq) is stored once, or was counted as dropped, and none acknowledged is lost.

import assert from "node:assert/strict";
import type { DeviceApp, DeviceSettings } from "../../firmware/app/device-app.js";
import { Cluster, type ClusterSettings } from "../../host/cluster/cluster.js";
import { openPostgresStore, type PostgresStore } from "../../host/companion/store-postgres.js";
import { simulatedDevice } from "../../host/simulated-device.js";

export interface Fleet { cluster: Cluster; store: PostgresStore; devices: DeviceApp[]; stop(): Promise<void> }

/** Starts a cluster; an engine that is not installed fails here with a message saying which, at once. */
export async function startFleet(settings: ClusterSettings): Promise<Fleet> {
  const cluster = await new Cluster({ durable: false, ...settings }).start();
  const store = await openPostgresStore(cluster.postgres.url, undefined, 4);
  const fleet: Fleet = {
    cluster, store, devices: [],
    async stop() {
      for (const d of fleet.devices) d.stop();
      await store.close();
      await cluster.stop();
    },
  };
  return fleet;
}

/** A simulated device with a credential in the cluster's PostgreSQL, started, towards `url` (nginx or one instance). */
export async function fleetDevice(fleet: Fleet, id: string, url: string, extra: Partial<DeviceSettings> = {}): Promise<DeviceApp> {
  const app = simulatedDevice({ url: `${url.replace(/^http/, "ws")}/device`, deviceId: id, token: await fleet.store.credentials.add(id),
    periodMs: 100, batchSize: 8, ringCapacity: 2000, reconnect: { initialDelay: 100, maxDelay: 500 }, ...extra });
  app.start();
  fleet.devices.push(app);
  return app;
}

/** Polls an async check until it holds; fails after `ms` saying what it waited for. */
export async function eventually(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The instances holding devices, as Redis records them: one connection and one MGET for them all. */
export async function holdersOf(fleet: Fleet, ids: string[]): Promise<(string | null)[]> {
  if (ids.length === 0) return [];
  const { createClient } = await import("redis");
  const client = createClient({ url: fleet.cluster.redis.url });
  await client.connect();
  try {
    return (await client.mGet(ids.map((id) => `companion:device:${id}`))).map((v) => v?.split(" ")[0] ?? null);
  } finally {
    await client.close();
  }
}

/** The instance holding a device, as Redis records it. */
export async function holderOf(fleet: Fleet, id: string): Promise<string | null> {
  return (await holdersOf(fleet, [id]))[0];
}

/**
 * Every boot of the device as PostgreSQL holds it: no sequence twice, none missing beyond what the
 * device counted as dropped, and every sequence the device saw acknowledged (below its ring's
 * oldest held sample) is there. Returns how many are stored.
 */
export async function assertStoredOnce(fleet: Fleet, app: DeviceApp): Promise<number> {
  const id = app.settings.deviceId;
  const seqs = (await fleet.store.boot(id, app.ring.bootId)).map((s) => s.seq);
  assert.equal(new Set(seqs).size, seqs.length, `${id}: a sample stored twice`);
  const last = seqs.length === 0 ? -1 : seqs[seqs.length - 1];
  assert.ok(last + 1 - seqs.length <= app.ring.dropped, `${id}: ${last + 1 - seqs.length} missing, ${app.ring.dropped} counted as dropped`);
  const acknowledged = app.ring.nextSequence - app.ring.size;
  const storedAcknowledged = seqs.filter((s) => s < acknowledged).length;
  assert.ok(storedAcknowledged >= acknowledged - app.ring.dropped, `${id}: acknowledged up to ${acknowledged}, only ${storedAcknowledged} stored`);
  return seqs.length;
}
