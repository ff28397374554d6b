// Three companion instances on PostgreSQL and Redis behind nginx (real engines on 127.0.0.1): a
// command posted to any instance reaches a device held by any other and its reply comes back; a
// dashboard on one instance sees a device on another; the newest connection of a device wins across
// instances; an idle device link outlives twice nginx's read timeout because the server's pings keep it warm.

import assert from "node:assert/strict";
import WebSocket from "ws";
import type { DeviceApp } from "../../firmware/app/device-app.js";
import { session } from "../companion/http-client.js";
import { eventually, type Fleet, fleetDevice, holderOf, holdersOf, startFleet } from "./fleet-helpers.js";

const READ_TIMEOUT_S = 2;

describe("A fleet of companion instances behind nginx", function () {
  this.timeout(60_000);
  let fleet: Fleet;
  before(async function () { fleet = await startFleet({ instances: 3, pingMs: 500, readTimeoutSeconds: READ_TIMEOUT_S }); });
  after(async function () { await fleet?.stop(); });

  /** One device connected straight to each instance, each held there (as Redis records it). */
  async function onEachInstance(): Promise<DeviceApp[]> {
    const ids = fleet.cluster.instances.map((i) => i.id);
    const apps = await Promise.all(ids.map((id) => fleetDevice(fleet, `dev-on-${id}`, fleet.cluster.direct(id), { periodMs: 1000 })));
    await eventually(async () => (await holdersOf(fleet, ids.map((id) => `dev-on-${id}`))).every((h, k) => h === ids[k]), 10_000, "each device held by its instance");
    return apps;
  }
  const stopAll = (apps: DeviceApp[]) => apps.forEach((app) => app.stop());

  it("routes a command posted to each instance to a device held by each other instance, and brings its reply back", async function () {
    const ids = fleet.cluster.instances.map((i) => i.id);
    const apps = await onEachInstance();
    let routed = 0;
    for (const asked of ids) {
      const s = await session(fleet.cluster.direct(asked));
      for (const held of ids.filter((x) => x !== asked)) {
        const r = await fetch(`${fleet.cluster.direct(asked)}/api/devices/dev-on-${held}/commands`, { method: "POST", headers: s.headers,
          body: JSON.stringify({ cmd: "ping", args: { t: `${asked}->${held}` } }) });
        assert.equal(r.status, 200, `${asked} -> ${held}`);
        assert.equal(r.headers.get("x-companion-instance"), asked);
        const reply = (await r.json()) as { ok: boolean; result: unknown };
        assert.equal(reply.ok, true);
        assert.match(JSON.stringify(reply.result), new RegExp(`${asked}->${held}`));
        routed++;
      }
    }
    assert.equal(routed, 6);
    stopAll(apps);
  });

  it("answers 409 DEVICE_OFFLINE from any instance for a device no instance holds, and lists who is online cluster-wide", async function () {
    await fleet.store.credentials.add("dev-never-connected");
    await fleet.store.seen("dev-never-connected", Date.now());
    const apps = await onEachInstance();
    for (const { id } of fleet.cluster.instances) {
      const s = await session(fleet.cluster.direct(id));
      const r = await fetch(`${fleet.cluster.direct(id)}/api/devices/dev-never-connected/commands`, { method: "POST", headers: s.headers, body: JSON.stringify({ cmd: "status" }) });
      assert.equal(r.status, 409);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, "DEVICE_OFFLINE");
      const list = (await (await fetch(`${fleet.cluster.direct(id)}/api/devices`, { headers: s.headers })).json()) as { id: string; online: boolean }[];
      assert.equal(list.find((d) => d.id === "dev-never-connected")?.online, false);
      for (const other of fleet.cluster.instances) assert.equal(list.find((d) => d.id === `dev-on-${other.id}`)?.online, true, `from ${id}: dev-on-${other.id}`);
    }
    stopAll(apps);
  });

  it("shows on a dashboard connected to instance i1 the live samples of a device held by instance i2", async function () {
    const base = fleet.cluster.direct("i1");
    const s = await session(base);
    const live = new WebSocket(`${base.replace("http", "ws")}/live`, { headers: { Cookie: s.cookie, Origin: base } });
    const seen: number[] = [];
    live.on("message", (text) => {
      const m = JSON.parse(String(text)) as { type: string; device?: string; samples?: { seq: number }[] };
      if (m.type === "samples" && m.device === "dev-live-b") seen.push(...m.samples!.map((x) => x.seq));
    });
    await new Promise((resolve, reject) => { live.once("open", resolve); live.once("error", reject); });
    const app = await fleetDevice(fleet, "dev-live-b", fleet.cluster.direct("i2"), { periodMs: 50, batchSize: 4 });
    try {
      await eventually(() => seen.length >= 20, 15_000, "20 live samples of a device on i2, on i1's feed");
      assert.equal(await holderOf(fleet, "dev-live-b"), "i2");
      assert.deepEqual(seen.slice(0, 20), Array.from({ length: 20 }, (_, k) => seen[0] + k), "in order, none twice");
    } finally {
      app.stop();
      live.close();
    }
  });

  it("publishes a device's live samples to Redis only while a dashboard is open on another instance", async function () {
    // a pattern subscription sees every publish without counting as a dashboard (PUBSUB NUMSUB counts channels only)
    const { createClient } = await import("redis");
    const spy = createClient({ url: fleet.cluster.redis.url });
    await spy.connect();
    let published = 0;
    await spy.pSubscribe("companion:live*", (text) => { if (text.includes('"dev-unwatched"')) published++; });
    await new Promise((r) => setTimeout(r, 1500)); // a dashboard an earlier test closed is no longer counted
    const app = await fleetDevice(fleet, "dev-unwatched", fleet.cluster.direct("i2"), { periodMs: 50, batchSize: 4 });
    let live: WebSocket | null = null;
    try {
      await eventually(() => app.counts.acks >= 10, 15_000, "10 batches acknowledged");
      assert.equal(published, 0, "nothing published while no dashboard is open");
      const base = fleet.cluster.direct("i1");
      const s = await session(base);
      live = new WebSocket(`${base.replace("http", "ws")}/live`, { headers: { Cookie: s.cookie, Origin: base } });
      await new Promise((resolve, reject) => { live!.once("open", resolve); live!.once("error", reject); });
      await eventually(() => published >= 10, 10_000, "publishes once a dashboard is open on i1");
      live.close();
      await new Promise((r) => live!.once("close", r));
      await new Promise((r) => setTimeout(r, 1500)); // the others read the count every 500 ms
      const after = published, acks = app.counts.acks;
      await eventually(() => app.counts.acks >= acks + 10, 15_000, "10 more batches acknowledged");
      assert.equal(published, after, "nothing published once the dashboard closed");
    } finally {
      app.stop();
      live?.close();
      await spy.close();
    }
  });

  it("keeps only the newest connection of a device that connects to two instances: the first is closed with 4000 REPLACED", async function () {
    const token = await fleet.store.credentials.add("dev-twice");
    const open = (instance: string) => new WebSocket(`${fleet.cluster.direct(instance).replace("http", "ws")}/device?device=dev-twice`, { headers: { Authorization: `Bearer ${token}` } });
    const first = open("i1");
    const closed = new Promise<{ code: number; reason: string }>((resolve) => first.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
    await new Promise((r) => first.once("open", r));
    await eventually(async () => (await holderOf(fleet, "dev-twice")) === "i1", 5000, "i1 holds it");
    const second = open("i3");
    await new Promise((r) => second.once("open", r));
    const { code, reason } = await closed;
    assert.equal(code, 4000);
    assert.match(reason, /^REPLACED/);
    assert.equal(await holderOf(fleet, "dev-twice"), "i3");
    assert.equal(second.readyState, WebSocket.OPEN);
    second.close();
    await new Promise((r) => second.once("close", r));
  });

  it("keeps an idle device connection through nginx open for twice nginx's read timeout: the server's pings keep it warm", async function () {
    // no batches (a sample a minute) and the device's own heartbeat far away: only the server's pings cross nginx
    const app = await fleetDevice(fleet, "dev-idle", fleet.cluster.url, { periodMs: 3_600_000, heartbeat: { interval: 600_000, timeout: 60_000 } });
    await eventually(() => app.connected, 10_000, "the idle device connected through nginx");
    const opens = app.counts.opens;
    await new Promise((r) => setTimeout(r, 2 * READ_TIMEOUT_S * 1000 + 1000));
    assert.equal(app.connected, true);
    assert.equal(app.counts.opens, opens, "never reconnected");
    assert.equal(app.counts.reconnects, 0);
    app.stop();
  });
});
