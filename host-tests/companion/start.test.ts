import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SampleStore } from "../../host/companion/store.js";
import { until } from "../support/net.js";

/** npm start's program, as `npm start` runs it after its build. */
function start(env: Record<string, string>, args: string[] = []): { child: ChildProcess; out: () => string; exited: Promise<number> } {
  const child = spawn(process.execPath, ["build/host/start.js", ...args], { env: { ...process.env, LOG_LEVEL: "error", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (d) => { text += d; });
  child.stderr!.on("data", (d) => { text += d; });
  const exited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  return { child, out: () => text, exited };
}

async function stopped(run: ReturnType<typeof start>): Promise<number> {
  run.child.kill("SIGTERM");
  return run.exited;
}

describe("npm start", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "companion-start-")); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("stores every sample of every boot exactly once across a restart: sequences restart, boots keep them apart", async function () {
    const database = join(dir, "companion.db");
    const env = { PORT: "0", COMPANION_DB: database, DEVICES: "2" };
    const perBoot = () => {
      const store = new SampleStore(database);
      try {
        return store.devices().map((d) => ({ id: d.id, boots: store.drops(d.id).map((b) => store.boot(d.id, b.boot).map((s) => s.seq)) }));
      } finally {
        store.close();
      }
    };
    for (let run = 1; run <= 2; run++) {
      const running = start(env);
      await until(() => /dashboard: http:\/\/127\.0\.0\.1:\d+\//.test(running.out()), 10_000, "the banner");
      await until(() => { const d = perBoot(); return d.length === 2 && d.every((x) => x.boots.length === run && x.boots[run - 1].length >= 3); },
        20_000, `samples of run ${run}`);
      assert.equal(await stopped(running), 0);
    }
    for (const { id, boots } of perBoot()) {
      for (const seqs of boots) assert.deepEqual(seqs, seqs.map((_, i) => i), `${id}: each boot from sequence 0, none missing or twice`);
    }
  });

  it("prints the URLs to use and says it runs in development mode; --server-only says what boards need", async function () {
    const running = start({ PORT: "0", COMPANION_DB: join(dir, "c.db") }, ["--server-only"]);
    await until(() => running.out().includes("API:"), 10_000, "the banner");
    assert.match(running.out(), /DEVELOPMENT MODE: no login/);
    assert.match(running.out(), /devices: +ws:\/\/127\.0\.0\.1:\d+\/device\?device=ID/);
    assert.match(running.out(), /boards cannot reach 127\.0\.0\.1: run with HOST=0\.0\.0\.0 COMPANION_OPERATOR_TOKEN=/);
    assert.equal(await stopped(running), 0);
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ["a port that is not a number", { PORT: "abc" }, /^npm start: BAD_SETTING: PORT=abc: a whole number from 0 to 65535 is needed$/m],
    ["HOST beyond loopback without an operator token", { HOST: "0.0.0.0" }, /^npm start: OPERATOR_TOKEN_REQUIRED: HOST=0\.0\.0\.0/m],
    ["a proxy to trust other than loopback", { COMPANION_TRUST_PROXY: "0.0.0.0/0" }, /^npm start: BAD_SETTING: COMPANION_TRUST_PROXY=0\.0\.0\.0\/0: only "loopback"/m],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what} with one line and exit code 2, no stack trace`, async function () {
      const run = start({ COMPANION_DB: join(dir, "c.db"), ...env });
      assert.equal(await run.exited, 2);
      assert.match(run.out(), message);
      assert.doesNotMatch(run.out(), /^\s+at /m);
    });
  }

  it("refuses a port in use with one line naming it, and exit code 2", async function () {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const run = start({ PORT: String(port), COMPANION_DB: join(dir, "c.db") });
      assert.equal(await run.exited, 2);
      assert.match(run.out(), new RegExp(`^npm start: EADDRINUSE: port ${port} is in use`, "m"));
      assert.doesNotMatch(run.out(), /^\s+at /m);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
