import assert from "node:assert/strict";
import { WebSocket } from "ws";
import type { CompanionServer } from "../../host/companion/companion-server.js";
import { until } from "../support/net.js";
import { companion, device, tokenFor } from "./helpers.js";
import { raw, session, type Session } from "./http-client.js";

/** Opens a device link by hand and returns how the server closed it after `send`. */
async function deviceCloses(server: CompanionServer, id: string, send: (ws: WebSocket) => void, scheme = "Bearer"): Promise<[number, string]> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/device?device=${id}`, { headers: { Authorization: `${scheme} ${tokenFor(server, id)}` } });
  await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); });
  send(ws);
  return new Promise((resolve) => ws.once("close", (code, reason) => resolve([code, reason.toString()])));
}

describe("The companion server refuses every bad input with its status or close code, and stays up", function () {
  this.timeout(20_000);
  let server: CompanionServer;
  let base: string;
  let s: Session;
  const alive = async () => assert.equal((await fetch(`${base}/api/devices`, { headers: s.headers })).status, 200, "still serving");
  const expect = async (what: Promise<Response>, status: number, code?: string) => {
    const r = await what;
    const body = await r.text();
    assert.equal(r.status, status, body);
    if (code !== undefined) assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, code);
    await alive();
  };

  before(async function () {
    server = await companion({ commandTimeout: 5000 });
    base = `http://127.0.0.1:${server.port}`;
    s = await session(base);
  });
  after(async function () { await server.stop(); });

  it("answers a JSON null body with 400", async function () {
    await expect(fetch(`${base}/api/devices/ID/commands`, { method: "POST", headers: s.headers, body: "null" }), 400, "BAD_REQUEST");
  });

  it("answers broken percent escapes in a path with 400", async function () {
    await expect(fetch(`${base}/api/devices/%/samples`, { headers: s.headers }), 400);
    await expect(fetch(`${base}/api/devices/%zz/commands`, { method: "POST", headers: s.headers, body: '{"cmd":"status"}' }), 400);
  });

  it("answers a request line with a broken absolute URL with 400, with or without an Upgrade", async function () {
    assert.equal((await raw(server.port, "GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n")).status, 400);
    const upgrade = (target: string) => raw(server.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`
      + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    assert.equal((await upgrade("http://[")).status, 400);
    assert.equal((await upgrade("/device?device=%zz")).status, 400);
    assert.equal((await upgrade("/api/devices")).status, 404, "no WebSocket endpoint there");
    await alive();
  });

  it("answers a body over 4 KiB with 413", async function () {
    await expect(fetch(`${base}/api/devices/ID/commands`, { method: "POST", headers: s.headers,
      body: JSON.stringify({ cmd: "status", args: { pad: "x".repeat(5000) } }) }), 413, "FST_ERR_CTP_BODY_TOO_LARGE");
  });

  it("answers a body that is not declared JSON with 415: no cross-site form or text/plain post reaches a route", async function () {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      await expect(fetch(`${base}/api/devices/ID/commands`, { method: "POST", headers: { ...s.headers, "Content-Type": type },
        body: '{"cmd":"status"}' }), 415);
    }
  });

  it("refuses another site's requests (403), a change without the CSRF token (403), and no session (401)", async function () {
    await expect(fetch(`${base}/api/devices`, { headers: { ...s.headers, Origin: "http://evil.example" } }), 403, "CROSS_ORIGIN");
    await expect(fetch(`${base}/api/devices/ID/commands`, { method: "POST", headers: { ...s.headers, "X-CSRF-Token": "guess" },
      body: '{"cmd":"status"}' }), 403, "CSRF");
    await expect(fetch(`${base}/api/devices`), 401, "LOGIN_REQUIRED");
  });

  it("answers an overlong command at once with 413, instead of waiting for a reply that cannot come", async function () {
    const app = device(server, "dev-long");
    await until(() => server.online("dev-long"));
    const started = Date.now();
    await expect(fetch(`${base}/api/devices/dev-long/commands`, { method: "POST", headers: s.headers,
      body: JSON.stringify({ cmd: "ping", args: { t: "x".repeat(1100) } }) }), 413, "COMMAND_TOO_LONG");
    assert.ok(Date.now() - started < 5000, "not the command timeout");
    app.stop();
  });

  it("takes a device's token with the scheme in any case", async function () {
    const [code] = await deviceCloses(server, "dev-case", (ws) => ws.close(1000), "bearer");
    assert.equal(code, 1000);
  });

  it("closes a device link with 1008 for a text message that is not a known message, such as null", async function () {
    const [code, reason] = await deviceCloses(server, "dev-null", (ws) => ws.send("null"));
    assert.equal(code, 1008);
    assert.match(reason, /^BAD_MESSAGE/);
    await alive();
  });

  it("closes a device link with 1008 for a hello with 5,000 channels", async function () {
    const channels = Array.from({ length: 5000 }, (_, i) => `c${i}`);
    const [code, reason] = await deviceCloses(server, "dev-wide", (ws) => ws.send(JSON.stringify({ type: "hello", device: "dev-wide", boot: 1, channels })));
    assert.equal(code, 1008);
    assert.match(reason, /^BAD_MESSAGE/);
    assert.deepEqual(server.store.describe("dev-wide")?.channels, [], "nothing of it stored");
  });

  it("closes a device link with 1007 for a batch of another device id", async function () {
    const app = device(server, "dev-liar", { periodMs: 1000 });
    await until(() => server.online("dev-liar"));
    app.stop();
    const [code, reason] = await deviceCloses(server, "dev-other", (ws) => {
      const bytes = Buffer.alloc(26 + 8);
      bytes.set([0x53, 2, 1, 8, ...Buffer.from("dev-liar")]);
      ws.send(bytes);
    });
    assert.equal(code, 1007);
    assert.match(reason, /^STREAM_WRONG_DEVICE/);
  });
});
