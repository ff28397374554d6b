// Operator sessions and the failure limiter across three instances behind nginx (real PostgreSQL,
// Redis and nginx on 127.0.0.1): a logout on one instance ends the session on every instance, one
// started later included; the limiter counts each client's own address (nginx's X-Forwarded-For,
// not nginx's address nor what the client wrote itself), cluster-wide, so two clients behind nginx
// are limited apart. Two clients are told apart by their source addresses: all of 127/8 is loopback.

import assert from "node:assert/strict";
import WebSocket from "ws";
import { eventually, type Fleet, startFleet } from "./fleet-helpers.js";

const OPERATOR = "fleet-operator-token-0123456789";
const problemOf = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

describe("Operator sessions and the failure limiter across a cluster behind nginx", function () {
  this.timeout(60_000);
  let fleet: Fleet;
  // feeds' sessions checked again every 300 ms: a logout on another instance closes them that soon
  before(async function () { fleet = await startFleet({ instances: 3, env: { COMPANION_OPERATOR_TOKEN: OPERATOR, COMPANION_LIVE_RECHECK_MS: "300" } }); });
  after(async function () { await fleet?.stop(); });

  async function login(base: string): Promise<Record<string, string>> {
    const r = await fetch(`${base}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: OPERATOR }) });
    assert.equal(r.status, 200);
    const cookie = (r.headers.get("set-cookie") ?? "").split(";")[0];
    return { Cookie: cookie, "X-CSRF-Token": ((await r.json()) as { csrf: string }).csrf, "Content-Type": "application/json" };
  }
  const devicesStatus = async (base: string, headers: Record<string, string>) => (await fetch(`${base}/api/devices`, { headers })).status;
  const everyInstance = () => fleet.cluster.instances.map((i) => fleet.cluster.direct(i.id));

  it("ends a session on every instance when it logs out on one, and on an instance started after the logout", async function () {
    const headers = await login(fleet.cluster.url);
    for (const base of everyInstance()) assert.equal(await devicesStatus(base, headers), 200, base);
    const out = await fetch(`${fleet.cluster.direct("i2")}/api/logout`, { method: "POST", headers, body: "{}" });
    assert.equal(out.status, 200);
    for (const base of [...everyInstance(), fleet.cluster.url]) {
      const r = await fetch(`${base}/api/devices`, { headers });
      assert.equal(r.status, 401, base);
      assert.equal(await problemOf(r), "LOGIN_REQUIRED");
    }
    await fleet.cluster.kill("i3");
    await fleet.cluster.revive("i3");
    assert.equal(await devicesStatus(fleet.cluster.direct("i3"), headers), 401, "the revived instance");
    assert.equal(await devicesStatus(fleet.cluster.direct("i3"), await login(fleet.cluster.direct("i3"))), 200, "a new session is good there");
  });

  it("closes a live feed on one instance with 1008 LOGGED_OUT when its session logs out on another", async function () {
    const headers = await login(fleet.cluster.url);
    const base = fleet.cluster.direct("i1");
    const ws = new WebSocket(`${base.replace("http", "ws")}/live`, { headers: { Cookie: headers.Cookie, Origin: base } });
    const closed = new Promise<[number, string, number]>((done) => ws.once("close", (code, reason) => done([code, reason.toString(), Date.now()])));
    await new Promise((resolve, reject) => { ws.once("message", resolve); ws.once("error", reject); });
    const out = await fetch(`${fleet.cluster.direct("i3")}/api/logout`, { method: "POST", headers, body: "{}" });
    assert.equal(out.status, 200);
    const loggedOut = Date.now();
    const [code, reason, at] = await closed;
    assert.equal(code, 1008);
    assert.match(reason, /^LOGGED_OUT/);
    assert.ok(at - loggedOut < 5_000, `closed ${at - loggedOut} ms after the logout (rechecked every 300 ms)`);
  });

  it("answers 503 CLUSTER_UNAVAILABLE while Redis cannot say whether a session ended, and serves it again once Redis is back", async function () {
    const headers = await login(fleet.cluster.url);
    await fleet.cluster.redis.child.stop("SIGKILL");
    try {
      const r = await fetch(`${fleet.cluster.direct("i1")}/api/devices`, { headers });
      assert.equal(r.status, 503);
      assert.equal(await problemOf(r), "CLUSTER_UNAVAILABLE");
    } finally {
      await fleet.cluster.redis.restart();
    }
    await eventually(async () => (await devicesStatus(fleet.cluster.direct("i1"), headers)) === 200, 10_000, "the session good again");
  });

  it("keeps a live feed open while Redis cannot say whether its session ended: an outage logs no one out", async function () {
    const headers = await login(fleet.cluster.url);
    const base = fleet.cluster.direct("i2");
    const ws = new WebSocket(`${base.replace("http", "ws")}/live`, { headers: { Cookie: headers.Cookie, Origin: base } });
    let closed: number | null = null;
    ws.once("close", (code) => (closed = code));
    await new Promise((resolve, reject) => { ws.once("message", resolve); ws.once("error", reject); });
    await fleet.cluster.redis.child.stop("SIGKILL");
    try {
      await new Promise((resolve) => setTimeout(resolve, 1200)); // four rechecks at 300 ms, none able to tell
      assert.equal(closed, null, "the feed stayed open");
    } finally {
      await fleet.cluster.redis.restart();
    }
    await eventually(async () => (await devicesStatus(base, headers)) === 200, 10_000, "the session good again");
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close();
  });

  it("limits two clients behind nginx apart, by their own addresses, across the instances; a forged X-Forwarded-For changes nothing", async function () {
    const token = await fleet.store.credentials.add("limited-dev");
    const attempt = (from: string, bearer: string, forged?: string) => new Promise<{ status: number; instance: string | null }>((resolve) => {
      const ws = new WebSocket(`${fleet.cluster.url.replace("http", "ws")}/device?device=limited-dev`, {
        localAddress: from, headers: { Authorization: `Bearer ${bearer}`, ...(forged ? { "X-Forwarded-For": forged } : {}) } });
      ws.once("open", () => { ws.close(); resolve({ status: 101, instance: null }); });
      ws.once("unexpected-response", (_req, res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, instance: (res.headers["x-companion-instance"] as string | undefined) ?? null });
      });
      ws.once("error", () => undefined);
    });
    const instances = new Set<string | null>();
    for (let k = 0; k < 10; k++) {
      const r = await attempt("127.0.0.2", "wrong-token", `10.0.0.${k}`);
      assert.equal(r.status, 403, `attempt ${k + 1}`);
      instances.add(r.instance);
    }
    assert.ok(instances.size > 1, `nginx spread the attempts over the instances: ${[...instances]}`);
    assert.equal((await attempt("127.0.0.2", token, "10.9.9.9")).status, 429, "the 11th, even with the right token and another forged address");
    assert.equal((await attempt("127.0.0.3", "wrong-token")).status, 403, "another client is not limited");
    assert.equal((await attempt("127.0.0.3", token)).status, 101);
  });
});
