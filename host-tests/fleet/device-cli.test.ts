// `npm run device -- add|revoke|list` on a cluster's PostgreSQL (COMPANION_POSTGRES_URL set, as the
// instances have it): run as its own program against a real PostgreSQL and a real companion
// instance on it, whose device endpoint takes the minted token and drops the device once revoked.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { type Engine, startPostgres } from "../../host/cluster/engines.js";
import { Child, freePort } from "../../host/cluster/processes.js";

const CLI = fileURLToPath(new URL("../../host/device-credentials.js", import.meta.url));
const INSTANCE = fileURLToPath(new URL("../../host/cluster/instance.js", import.meta.url));

/** Runs the CLI as `npm run device` does (after its build); resolves with its exit code and output. */
function device(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, COMPANION_DB: "/nonexistent/never-used.db", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out })));
}

function connect(port: number, id: string, token: string): Promise<{ ws: WebSocket; status: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/device?device=${id}`, { headers: { Authorization: `Bearer ${token}` } });
  return new Promise((resolve) => {
    ws.once("open", () => resolve({ ws, status: 101 }));
    ws.once("unexpected-response", (_req, res) => { resolve({ ws, status: res.statusCode ?? 0 }); res.resume(); });
    ws.once("error", () => undefined);
  });
}

describe("npm run device on a cluster's PostgreSQL (COMPANION_POSTGRES_URL)", function () {
  this.timeout(60_000);
  let pg: Engine;
  let instance: Child;
  let port: number;
  before(async function () {
    pg = await startPostgres({ durable: false });
    port = await freePort();
    instance = new Child("instance", process.execPath, [INSTANCE], { ...process.env, PORT: String(port), COMPANION_POSTGRES_URL: pg.url, COMPANION_PING_MS: "300", LOG_LEVEL: "error" });
    await instance.ready(/listening on \d+/);
  });
  after(async function () {
    await instance?.stop("SIGTERM");
    await pg?.stop();
  });

  it("adds a device whose token an instance on that PostgreSQL accepts, lists it, and revokes it: the connected device is closed with 4001 and refused after", async function () {
    const env = { COMPANION_POSTGRES_URL: pg.url };
    const added = await device(["add", "pg-cli-1", "--url", "ws://192.168.1.20:8080/device"], env);
    assert.equal(added.code, 0, added.out);
    const token = /token (\S+)/.exec(added.out)![1];
    assert.match(added.out, new RegExp(`URL=ws://192\\.168\\.1\\.20:8080/device DEVICE=pg-cli-1 TOKEN=${token}`));

    const listed = await device(["list"], env);
    assert.equal(listed.code, 0);
    assert.match(listed.out, /^pg-cli-1 {2}since \d{4}-/m);

    const { ws, status } = await connect(port, "pg-cli-1", token);
    assert.equal(status, 101);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
    const revoked = await device(["revoke", "pg-cli-1"], env);
    assert.equal(revoked.code, 0, revoked.out);
    const { code, reason } = await closed;
    assert.equal(code, 4001);
    assert.match(reason, /^REVOKED/);
    assert.equal((await connect(port, "pg-cli-1", token)).status, 403);
    assert.equal((await device(["revoke", "pg-cli-1"], env)).code, 1, "revoking again: it had no token");
  });

  it("refuses a bad device id with the usage (exit 2) and says so when PostgreSQL cannot be reached (exit 3)", async function () {
    const bad = await device(["add", "bad id"], { COMPANION_POSTGRES_URL: pg.url });
    assert.equal(bad.code, 2);
    assert.match(bad.out, /usage: npm run device -- add ID/);
    const away = await device(["add", "pg-cli-2"], { COMPANION_POSTGRES_URL: `postgres://postgres@127.0.0.1:${await freePort()}/postgres` });
    assert.equal(away.code, 3);
    assert.match(away.out, /npm run device: ECONNREFUSED: PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\/postgres/);
  });
});
