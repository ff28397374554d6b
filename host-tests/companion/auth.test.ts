import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { Sessions } from "../../host/companion/auth.js";
import { CompanionServer } from "../../host/companion/companion-server.js";
import { runDeviceCommand } from "../../host/device-credentials.js";
import { simulatedDevice } from "../../host/simulated-device.js";
import { sleep, until } from "../support/net.js";
import { companion, device, tokenFor } from "./helpers.js";
import { session } from "./http-client.js";

const OPERATOR = "operator-token-for-tests-0123456789";

/** How the server answers a device's upgrade: 101, or the refusal's status. */
function deviceUpgrade(port: number, id: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/device?device=${id}`, { headers: { Authorization: `Bearer ${token}` } });
    ws.once("open", () => { ws.close(); resolve(101); });
    ws.once("unexpected-response", (_req, res) => { res.resume(); resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once("error", () => undefined);
  });
}

describe("Operators log in, devices hold their own credentials", function () {
  this.timeout(20_000);

  it("trades the operator token for an HttpOnly, SameSite=Strict session cookie with a CSRF token, and refuses a wrong one", async function () {
    const server = await companion({ operatorToken: OPERATOR });
    const base = `http://127.0.0.1:${server.port}`;
    assert.equal((await fetch(`${base}/api/devices`)).status, 401);
    const anonymous = (await (await fetch(`${base}/api/session`)).json()) as { authenticated: boolean; development: boolean };
    assert.deepEqual([anonymous.authenticated, anonymous.development], [false, false], "no session without a login");
    const wrong = await fetch(`${base}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"token":"guess"}' });
    assert.equal(wrong.status, 401);
    const login = await fetch(`${base}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: OPERATOR }) });
    assert.equal(login.status, 200);
    assert.match(login.headers.get("set-cookie") ?? "", /companion_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict/);
    const s = await session(base, OPERATOR);
    assert.equal((await fetch(`${base}/api/devices`, { headers: s.headers })).status, 200);
    const noCsrf = await fetch(`${base}/api/devices/x`, { method: "DELETE", headers: { Cookie: s.cookie } });
    assert.equal(noCsrf.status, 403);
    assert.equal((await fetch(`${base}/api/logout`, { method: "POST", headers: s.headers, body: "{}" })).status, 200);
    assert.equal((await fetch(`${base}/api/devices`, { headers: s.headers })).status, 401, "the session ended");
    await server.stop();
  });

  it("closes a dashboard's live feed with 1008 LOGGED_OUT when its session logs out, and only that session's feed", async function () {
    const server = await companion({ operatorToken: OPERATOR });
    const base = `http://127.0.0.1:${server.port}`;
    const feed = (cookie: string) => new Promise<{ ws: WebSocket; closed: Promise<[number, string]> }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/live`, { headers: { Cookie: cookie, Origin: base } });
      const closed = new Promise<[number, string]>((done) => ws.once("close", (code, reason) => done([code, reason.toString()])));
      ws.once("message", () => resolve({ ws, closed })); // the device list: the feed is live
      ws.once("error", reject);
    });
    const leaving = await session(base, OPERATOR);
    const staying = await session(base, OPERATOR);
    const [gone, kept] = [await feed(leaving.cookie), await feed(staying.cookie)];
    assert.equal((await fetch(`${base}/api/logout`, { method: "POST", headers: leaving.headers, body: "{}" })).status, 200);
    const [code, reason] = await gone.closed;
    assert.equal(code, 1008);
    assert.match(reason, /^LOGGED_OUT/);
    await sleep(100);
    assert.equal(kept.ws.readyState, WebSocket.OPEN, "another session's feed stays");
    kept.ws.close();
    await server.stop();
  });

  it("rate limits failed logins per address: 429 even for the right token once over the limit", async function () {
    const server = await companion({ operatorToken: OPERATOR, maxFailures: 3 });
    const login = (token: string) => fetch(`http://127.0.0.1:${server.port}/api/login`, { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
    for (let i = 0; i < 3; i++) assert.equal((await login("guess")).status, 401);
    const blocked = await login(OPERATOR);
    assert.equal(blocked.status, 429);
    assert.equal(((await blocked.json()) as { error: { code: string } }).error.code, "TOO_MANY_FAILURES");
    await server.stop();
  });

  it("holds at most its limit of sessions, letting the oldest go: a client asking for sessions in a loop cannot grow the heap", function () {
    const sessions = new Sessions(undefined, 3600_000, undefined, undefined, 100);
    const made = Array.from({ length: 250 }, () => sessions.create().id);
    assert.equal(made.filter((id) => sessions.get(id) !== null).length, 100);
    assert.equal(sessions.get(made[149]), null);
    assert.notEqual(sessions.get(made[150]), null);
  });

  it("refuses to listen beyond loopback without an operator token", function () {
    assert.throws(() => new CompanionServer({ port: 0, host: "0.0.0.0", database: ":memory:" }),
      (e: unknown) => (e as { code?: string }).code === "OPERATOR_TOKEN_REQUIRED");
  });

  it("binds a device token to its device id: another device's token is refused and the rightful device keeps its link", async function () {
    const server = await companion();
    const rightful = device(server, "dev-own", { periodMs: 50 });
    await until(() => server.online("dev-own") && rightful.connected);
    const opens = rightful.counts.opens;
    assert.equal(await deviceUpgrade(server.port, "dev-own", tokenFor(server, "dev-other")), 403);
    assert.equal(await deviceUpgrade(server.port, "dev-own", "no-such-token"), 403);
    assert.equal(await deviceUpgrade(server.port, "dev-nobody", "x"), 403, "an id without a credential");
    await sleep(100);
    assert.ok(server.online("dev-own") && rightful.counts.opens === opens, "not kicked");
    rightful.stop();
    await server.stop();
  });

  it("rate limits failed device authentications per address", async function () {
    const server = await companion({ maxFailures: 3 });
    const good = tokenFor(server, "dev-rl");
    for (let i = 0; i < 3; i++) assert.equal(await deviceUpgrade(server.port, "dev-rl", "bad"), 403);
    assert.equal(await deviceUpgrade(server.port, "dev-rl", good), 429);
    await server.stop();
  });

  it("mints a token with the CLI that the server takes, and revokes it: the device is disconnected and refused", async function () {
    const dir = mkdtempSync(join(tmpdir(), "companion-"));
    const database = join(dir, "companion.db");
    try {
      const lines: string[] = [];
      assert.equal(runDeviceCommand(["add", "esp32-cli", "--url", "ws://192.168.1.20:8080/device"], database, (l) => lines.push(l)), 0);
      const token = /token (\S+)/.exec(lines[0])?.[1] ?? "";
      assert.ok(lines.some((l) => l.includes(`make esp32 `) && l.includes(`DEVICE=esp32-cli TOKEN=${token}`) && l.includes("URL=ws://192.168.1.20:8080/device")));
      assert.equal(runDeviceCommand(["add", "bad id"], database, () => undefined), 2);
      const server = await companion({ database, pingInterval: 100 });
      const app = simulatedDevice({ url: `ws://127.0.0.1:${server.port}/device`, deviceId: "esp32-cli", token, periodMs: 50, batchSize: 2,
        ringCapacity: 100, reconnect: { initialDelay: 50, maxDelay: 200 } });
      app.start();
      await until(() => server.online("esp32-cli"), 5000, "the device with its minted token");
      assert.equal(runDeviceCommand(["revoke", "esp32-cli"], database, () => undefined), 0);
      await until(() => !server.online("esp32-cli"), 5000, "the revoked device disconnected");
      assert.equal(await deviceUpgrade(server.port, "esp32-cli", token), 403);
      app.stop();
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
