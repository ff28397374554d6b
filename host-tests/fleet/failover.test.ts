// Failures of a fleet under load, on real engines: an instance killed with SIGKILL mid-stream (its
// devices come back through nginx to the others), Redis killed and restarted, PostgreSQL restarted.
// Every (device, boot, seq) ends stored exactly once or counted as dropped, and no sample a device
// saw acknowledged is missing. 60 devices over 3 instances here (the bench runs more: npm run bench:fleet).

import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { DeviceApp } from "../../firmware/app/device-app.js";
import { session } from "../companion/http-client.js";
import { assertStoredOnce, eventually, type Fleet, fleetDevice, holdersOf, startFleet } from "./fleet-helpers.js";

const DEVICES = 60;

describe("A fleet of companion instances under failures", function () {
  this.timeout(120_000);
  let fleet: Fleet;
  before(async function () { fleet = await startFleet({ instances: 3, pingMs: 500, readTimeoutSeconds: 10 }); });
  after(async function () { await fleet?.stop(); });

  /** Runs `body` with `n` devices streaming through nginx; they are stopped however it ends. */
  async function streaming(prefix: string, n: number, body: (apps: DeviceApp[]) => Promise<void>): Promise<void> {
    const apps: DeviceApp[] = [];
    try {
      for (let i = 0; i < n; i++) apps.push(await fleetDevice(fleet, `${prefix}-${i}`, fleet.cluster.url, { periodMs: 100, batchSize: 5 }));
      await body(apps);
    } finally {
      for (const a of apps) a.stop();
    }
  }
  const stored = async (apps: DeviceApp[]) => Promise.all(apps.map(async (a) => (await fleet.store.boot(a.settings.deviceId, a.ring.bootId)).length));
  /** Waits until every device stored `more` samples past what it had, i.e. it is streaming again. */
  async function allAdvance(apps: DeviceApp[], more: number, ms: number, what: string): Promise<void> {
    const base = await stored(apps);
    await eventually(async () => (await stored(apps)).every((n, k) => n >= base[k] + more), ms, what);
  }
  async function finish(apps: DeviceApp[]): Promise<number> {
    for (const a of apps) a.stop();
    await new Promise((r) => setTimeout(r, 500)); // batches in flight are committed or given up
    let total = 0;
    for (const a of apps) total += await assertStoredOnce(fleet, a);
    return total;
  }

  it("brings the devices of an instance killed with SIGKILL back through nginx to the others; each sample stored once or counted dropped", async function () {
    const victim = "i2";
    try {
      await streaming("kill", DEVICES, async (apps) => {
        await allAdvance(apps, 10, 60_000, "every device streaming");
        // a claim lasts 3 pings (1.5 s here): an instance stalled that long on a busy machine lets its
        // devices' keys lapse until its next liveness round sets them again, so wait for every holder
        let holders: (string | null)[] = [];
        await eventually(async () => (holders = await holdersOf(fleet, apps.map((a) => a.settings.deviceId))).every((h) => h !== null),
          15_000, "every device held in Redis");
        const perInstance = fleet.cluster.instances.map((i) => holders.filter((h) => h === i.id).length);
        assert.ok(perInstance.every((n) => n > 0), `devices spread over every instance: ${perInstance}`);
        const orphans = apps.filter((_, k) => holders[k] === victim);
        const killedAt = Date.now();
        await fleet.cluster.kill(victim);
        await eventually(async () => (await holdersOf(fleet, orphans.map((a) => a.settings.deviceId))).every((h) => h !== null && h !== victim),
          15_000, `the ${orphans.length} devices of ${victim} held by the others`);
        const backMs = Date.now() - killedAt;
        await allAdvance(apps, 10, 30_000, "every device streaming again");
        const total = await finish(apps);
        assert.ok(total > DEVICES * 20, `stored ${total}`);
        assert.ok(backMs < 15_000, `back in ${backMs} ms`);
      });
    } finally {
      await fleet.cluster.revive(victim); // the next tests want three instances again
    }
  });

  it("revives a killed instance on a new port when another process keeps its own, and nginx sends devices to it there", async function () {
    const victim = "i3";
    const entry = fleet.cluster.instances.find((i) => i.id === victim)!;
    const oldPort = entry.port;
    await fleet.cluster.kill(victim);
    // another process takes the port and keeps it, answering nothing (a reset for nginx)
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(oldPort, "127.0.0.1", resolve));
    try {
      await fleet.cluster.revive(victim);
      assert.notEqual(entry.port, oldPort, "a new port");
      await streaming("moved", 9, async (apps) => {
        await allAdvance(apps, 5, 30_000, "every device streaming");
        const holders = await holdersOf(fleet, apps.map((a) => a.settings.deviceId));
        assert.ok(holders.includes(victim), `nginx sends devices to ${victim} on its new port: ${holders}`);
      });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("loses no acknowledged sample when Redis is killed and restarted under load; presence and routing come back by themselves", async function () {
    await streaming("redis", 30, async (apps) => {
      await allAdvance(apps, 10, 60_000, "every device streaming");
      await fleet.cluster.redis.restart(true); // SIGKILL, then a new Redis on the same port (from its append-only file, up to a second behind)
      await eventually(async () => (await holdersOf(fleet, apps.map((a) => a.settings.deviceId))).every((h) => h !== null), 20_000, "every device held again");
      await allAdvance(apps, 10, 30_000, "every device streaming after Redis came back");
      // a command through nginx, to whichever instance, reaches the device wherever it is held
      const s = await session(fleet.cluster.url);
      const r = await fetch(`${fleet.cluster.url}/api/devices/redis-7/commands`, { method: "POST", headers: s.headers, body: JSON.stringify({ cmd: "status" }) });
      assert.equal(r.status, 200, await r.clone().text());
      assert.equal(((await r.json()) as { ok: boolean }).ok, true);
      await finish(apps);
    });
  });

  it("loses no acknowledged sample when PostgreSQL is restarted under load: links whose batches failed are closed (1011) and the devices resend", async function () {
    await streaming("pg", 30, async (apps) => {
      await allAdvance(apps, 10, 60_000, "every device streaming");
      const before = apps.map((a) => a.counts.opens);
      await fleet.cluster.postgres.restart(false, 2000); // fast shutdown (open transactions rolled back), 2 s away, started again
      await allAdvance(apps, 10, 45_000, "every device storing again after PostgreSQL came back");
      assert.ok(apps.some((a, k) => a.counts.opens > before[k]), "some links were closed while PostgreSQL was away");
      await finish(apps);
    });
  });
});
