import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer as WsServer } from "ws";
import { until } from "../support/net.js";

/** A stand-in for the Autobahn fuzzing server's client-testing endpoints, with two cases. */
async function fuzzingServer(): Promise<{ server: WsServer; port: number; log: string[] }> {
  const log: string[] = [];
  const server = new WsServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (ws, request) => {
    const url = new URL(request.url ?? "/", "http://x");
    log.push(`${url.pathname}${url.search}`);
    if (url.pathname === "/getCaseCount") { ws.send("2"); return void ws.close(); }
    if (url.pathname === "/updateReports") return void ws.close();
    const expected = url.searchParams.get("case") === "1" ? ["Hello κόσμε"] : ["bin 010203", "frag abcdef"];
    const echoes: string[] = [];
    ws.on("message", (data: Buffer, binary) => {
      echoes.push(binary ? `bin ${data.toString("hex")}` : data.toString().startsWith("abc") ? `frag ${data}` : data.toString());
      if (echoes.length === expected.length) {
        log.push(`case ${url.searchParams.get("case")} ${JSON.stringify(echoes) === JSON.stringify(expected) ? "ok" : "wrong " + echoes}`);
        ws.close(1000);
      }
    });
    if (url.searchParams.get("case") === "1") ws.send("Hello κόσμε");
    else {
      ws.send(Buffer.from([1, 2, 3]));
      ws.send("abc", { fin: false });
      ws.send("def", { fin: true });
    }
  });
  await new Promise((r) => server.once("listening", r));
  return { server, port: (server.address() as AddressInfo).port, log };
}

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

describe("Conformance endpoints", function () {
  this.timeout(30_000);

  it("the echo client follows the Autobahn convention: case count, each case echoed, reports", async function () {
    const { server, port, log } = await fuzzingServer();
    const c = run("build/host/echo-client.js", ["--url", `ws://127.0.0.1:${port}`, "--agent", "mcu test"]);
    assert.equal(await c.exited, 0, c.output());
    assert.deepEqual(log, ["/getCaseCount", "/runCase?case=1&agent=mcu%20test", "case 1 ok",
      "/runCase?case=2&agent=mcu%20test", "case 2 ok", "/updateReports?agent=mcu%20test"]);
    server.close();
  });

  it("the echo client in single-URL mode echoes until closed, then exits", async function () {
    const { server, port, log } = await fuzzingServer();
    const c = run("build/host/echo-client.js", [], { WS_URL: `ws://127.0.0.1:${port}/runCase?case=1` });
    assert.equal(await c.exited, 0, c.output());
    assert.deepEqual(log, ["/runCase?case=1", "case 1 ok"]);
    server.close();
  });

  it("the echo server echoes text and binary with their types", async function () {
    const s = run("build/host/echo-server.js", ["--port", "0"]);
    try {
      await until(() => /listening on ws:\/\/127\.0\.0\.1:\d+/.test(s.output()), 10000, "the server's address");
      const port = Number(/:(\d+)/.exec(s.output().split("ws://")[1])![1]);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      const got: string[] = [];
      ws.on("message", (d: Buffer, binary) => got.push(binary ? `bin ${d.toString("hex")}` : d.toString()));
      await new Promise((r) => ws.once("open", r));
      ws.send("ünïcödé");
      ws.send(Buffer.from([0, 255]));
      await until(() => got.length === 2);
      assert.deepEqual(got, ["ünïcödé", "bin 00ff"]);
      ws.close();
    } finally {
      s.child.kill("SIGTERM");
      await s.exited;
    }
  });
});
