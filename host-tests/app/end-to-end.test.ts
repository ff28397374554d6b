import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import WebSocket from "ws";
import { dirname, join } from "node:path";
import type { CompanionServer } from "../../host/companion/companion-server.js";
import { simulatedDevice } from "../../host/simulated-device.js";
import { manualClock, type ManualClock } from "../../fixtures/manual-clock.js";
import { companion as start, device, tokenFor } from "../companion/helpers.js";
import { onClock, until } from "../support/net.js";

const companion = (port = 0, database = ":memory:") => start({ port, database, pingInterval: 100 });

/** A session for the API in development mode: its cookie and CSRF token. */
async function session(port: number): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/api/session`);
  return { cookie: r.headers.get("set-cookie")!.split(";")[0], csrf: ((await r.json()) as { csrf: string }).csrf };
}

/** The stored sequence numbers of a device are 0..n-1 with none missing and none twice. */
function assertContiguous(server: CompanionServer, id: string): number {
  const seqs = server.store.recent(id, 100_000).map((s) => s.seq);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i), `${id}: gaps or duplicates`);
  return seqs.length;
}

/** The HTTP status and the companion's error code with which ws's upgrade to `url` was refused. */
function refusal(url: string, headers: Record<string, string>): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => { ws.terminate(); reject(new Error("upgraded")); });
    ws.on("error", reject);
    ws.on("unexpected-response", (request, response) => {
      let body = "";
      response.on("data", (d: Buffer) => (body += d));
      response.on("end", () => { request.destroy(); resolve([response.statusCode ?? 0, JSON.parse(body).error.code]); });
    });
  });
}

/** A started device whose sampling, backoff and heartbeat run on `clock`, over real sockets. */
function clockedDevice(server: CompanionServer, clock: ManualClock, id: string, ringCapacity: number) {
  const app = simulatedDevice({ url: `ws://127.0.0.1:${server.port}/device`, deviceId: id, token: tokenFor(server, id), periodMs: 10,
    batchSize: 8, ringCapacity, reconnect: { initialDelay: 50, maxDelay: 300 } }, onClock(clock));
  app.start();
  return app;
}

describe("Device app and companion server, end to end", function () {
  this.timeout(30_000);

  it("stores the samples of two devices in order with no gaps, and acknowledges them", async function () {
    const server = await companion();
    const a = device(server, "dev-a");
    const b = device(server, "dev-b");
    await until(() => server.store.recent("dev-a", 10_000).length >= 60 && server.store.recent("dev-b", 10_000).length >= 60, 10_000);
    a.stop();
    b.stop();
    assertContiguous(server, "dev-a");
    assertContiguous(server, "dev-b");
    assert.ok(a.counts.acks > 0 && a.ring.size < 20, "acknowledged samples leave the ring");
    const devices = server.store.devices();
    assert.deepEqual(devices.map((d) => d.id), ["dev-a", "dev-b"]);
    assert.deepEqual(devices[0].channels, ["temperature", "humidity", "heap", "rssi", "uptime"]);
    await server.stop();
  });

  it("relays a command through the HTTP API and returns the device's reply; bad commands get errors", async function () {
    const server = await companion();
    const a = device(server, "dev-c");
    await until(() => server.online("dev-c"));
    const { cookie, csrf } = await session(server.port);
    const headers = { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf };
    const post = (body: string) => fetch(`http://127.0.0.1:${server.port}/api/devices/dev-c/commands`, { method: "POST", body, headers });
    const body = async (r: Response) => (await r.json()) as { result?: unknown; error?: { code: string } };
    let r = await post(JSON.stringify({ cmd: "set-period", args: { ms: 250 } }));
    assert.equal(r.status, 200);
    assert.deepEqual((await body(r)).result, { ms: 250 });
    assert.equal(a.settings.periodMs, 250);
    r = await post(JSON.stringify({ cmd: "set-output", args: { value: 7 } }));
    assert.equal((await body(r)).error?.code, "BAD_ARGS");
    r = await post(JSON.stringify({ cmd: "self-destruct" }));
    assert.equal((await body(r)).error?.code, "UNKNOWN_COMMAND");
    assert.equal((await post("not json")).status, 400);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/api/devices/nobody/commands`, { method: "POST", body: '{"cmd":"status"}', headers })).status, 409);
    const listed = (await (await fetch(`http://127.0.0.1:${server.port}/api/devices`, { headers })).json()) as { id: string; online: boolean }[];
    assert.deepEqual(listed.map((d) => [d.id, d.online]), [["dev-c", true]]);
    a.stop();
    await server.stop();
  });

  it("refuses a device with a wrong token (403) or none (401), with the companion's code, and the device does not retry", async function () {
    const server = await companion();
    server.credentials.add("intruder");
    const url = `ws://127.0.0.1:${server.port}/device?device=intruder`;
    assert.deepEqual(await refusal(url, { Authorization: "Bearer wrong" }), [403, "DEVICE_TOKEN_REFUSED"]);
    assert.deepEqual(await refusal(url, {}), [401, "DEVICE_TOKEN_REQUIRED"]);
    const clock = manualClock();
    const [wrong, none] = ["wrong", ""].map((token) => {
      const app = simulatedDevice({ url: `ws://127.0.0.1:${server.port}/device`, deviceId: "intruder", token, periodMs: 50,
        batchSize: 4, ringCapacity: 10, reconnect: { initialDelay: 50, maxDelay: 300 } }, onClock(clock));
      app.start();
      return app;
    });
    await until(() => wrong.lastError !== "" && none.lastError !== "", 5000, "both refusals");
    assert.deepEqual([wrong.lastError, none.lastError], ["WS_ERR_UNEXPECTED_STATUS 403", "WS_ERR_UNEXPECTED_STATUS 401"]);
    clock.advance(60_000); // past the longest backoff: a retry would be under way now
    assert.deepEqual([wrong.counts.reconnects, none.counts.reconnects, wrong.counts.opens, none.counts.opens], [0, 0, 0, 0]);
    assert.equal(server.online("intruder"), false);
    wrong.stop();
    none.stop();
    await server.stop();
  });

  it("loses nothing within the ring when the server dies and comes back, and counts drops beyond it", async function () {
    // a fresh database (the old one is gone with the crash) that only holds the devices' credentials
    const credentials = join(mkdtempSync(join(tmpdir(), "companion-")), "credentials.db");
    let server = await companion(0, credentials);
    const port = server.port;
    // the devices sample every 10 ms, back off and reconnect on this clock; each poll below moves it one period
    const clock = manualClock();
    const ticking = (check: () => boolean) => () => { clock.advance(10); return check(); };
    const steady = clockedDevice(server, clock, "dev-steady", 1000);
    const small = clockedDevice(server, clock, "dev-small", 20);
    await until(ticking(() => server.store.recent("dev-steady", 10_000).length >= 30), 10_000, "30 samples stored");
    const before = { steady: server.store.recent("dev-steady", 100_000), small: server.store.recent("dev-small", 100_000) };
    await server.stop(true); // killed: connections drop without a close
    await until(() => !steady.connected && !small.connected, 5000, "both devices to see the link gone");
    clock.advance(600); // 60 samples each while the server is away: 40 more than dev-small's ring holds
    assert.ok(small.ring.dropped >= 40, `dev-small dropped ${small.ring.dropped}`);
    server = await companion(port, credentials);
    server.store.db.exec("DELETE FROM samples; DELETE FROM boots"); // as a server that lost its samples would start
    // the same database would survive a real restart; here the new store starts empty, so compare by sequence
    const targets = { steady: steady.ring.nextSequence, small: small.ring.nextSequence };
    const lastStored = (id: string) => server.store.recent(id, 1)[0]?.seq ?? -1;
    await until(ticking(() => lastStored("dev-steady") >= targets.steady && lastStored("dev-small") >= targets.small), 10_000,
      "everything sampled while the server was away");
    // the drop count travels with the next batch: wait for the one after the last drop
    await until(ticking(() => server.store.devices().find((d) => d.id === "dev-small")?.dropped === small.ring.dropped), 5000,
      "the drop count");
    steady.stop();
    small.stop();
    const after = { steady: server.store.recent("dev-steady", 100_000), small: server.store.recent("dev-small", 100_000) };
    const last = (list: { seq: number }[]) => list[list.length - 1].seq;
    // dev-steady: every sequence from just after what the first server stored, none missing
    const steadySeqs = new Set([...before.steady, ...after.steady].map((s) => s.seq));
    for (let s = 0; s <= last(after.steady); s++) assert.ok(steadySeqs.has(s), `dev-steady lost sample ${s}`);
    // dev-small: what is missing is exactly what its ring dropped, and the server was told so
    const smallSeqs = new Set([...before.small, ...after.small].map((s) => s.seq));
    const missing = last(after.small) + 1 - smallSeqs.size;
    assert.ok(small.ring.dropped > 0, "the small ring overflowed");
    assert.ok(missing <= small.ring.dropped, `missing ${missing} beyond the ${small.ring.dropped} counted drops`);
    assert.equal(server.store.devices().find((d) => d.id === "dev-small")!.dropped, small.ring.dropped);
    await server.stop();
    rmSync(dirname(credentials), { recursive: true, force: true });
  });
});
