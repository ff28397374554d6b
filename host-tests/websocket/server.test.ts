import assert from "node:assert/strict";
import net from "node:net";
import WebSocket from "ws";
import type { WebSocketServer } from "../../firmware/websocket/server.js";
import { manualClock } from "../../fixtures/manual-clock.js";
import { onClock, ourEchoServer, sleep, until } from "../support/net.js";

const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];
const payload = (n: number) => Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff));

function wsClient(port: number, path = "/", options: WebSocket.ClientOptions = {}, protocols?: string[]) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols, options);
  const got: { data: Buffer; binary: boolean }[] = [];
  ws.on("message", (data, binary) => got.push({ data: data as Buffer, binary }));
  return { ws, got, opened: new Promise<void>((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); }) };
}

/** The status of a refused upgrade, or 101. */
function statusOf(port: number, path = "/", headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.on("unexpected-response", (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on("open", () => { resolve(101); ws.close(); });
    ws.on("error", () => undefined);
  });
}

/** Raw bytes to the server; resolves with everything it answered until it closed the connection. */
function raw(port: number, bytes: string | Buffer, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    let answer = "";
    socket.on("data", (d) => (answer += d.toString("latin1")));
    const timer = setTimeout(() => { socket.destroy(); resolve(answer + "[still open]"); }, ms);
    socket.on("close", () => { clearTimeout(timer); resolve(answer); });
    socket.on("error", () => undefined);
  });
}

describe("Server with ws clients over TCP", function () {
  this.timeout(20_000);
  let server: WebSocketServer;
  afterEach(() => server?.close());

  it("echoes binary and text messages of 0, 1, 125, 126, 65535, 65536 and 1 MiB bytes", async function () {
    server = await ourEchoServer();
    const { ws, got, opened } = wsClient(server.port);
    await opened;
    for (const n of SIZES) {
      ws.send(payload(n));
      await until(() => got.length === 1, 5000, `echo of ${n}`);
      const m = got.shift()!;
      assert.ok(m.binary);
      assert.deepEqual(m.data, payload(n));
      const text = "x€".repeat(n >> 2);
      ws.send(text);
      await until(() => got.length === 1);
      assert.equal(got.shift()!.data.toString(), text);
    }
    ws.close();
  });

  it("answers ws's pings between the frames of a 1 MiB message it sends, never inside one", async function () {
    const big = payload(1 << 20);
    server = await ourEchoServer({
      onConnection(client) {
        client.handler = { onMessage() { client.send(big); } }; // 66 frames of up to 16 KiB, each its header then the app's bytes in pieces
      },
    });
    const { ws, got, opened } = wsClient(server.port);
    await opened;
    let during = 0; // pongs that came while the message was still arriving: between its frames
    let pings = 1;
    ws.on("pong", () => { if (got.length === 0) { during++; if (pings < 200) { pings++; ws.ping(); } } });
    ws.send("go");
    ws.ping(); // ws fails the connection on a control frame inside a data frame: its parser is the check
    await until(() => got.length === 1, 10_000, "the 1 MiB message");
    assert.deepEqual(got[0].data, big);
    // the first ping came right after "go": its pong goes out after the frame being written then, long before the last
    assert.ok(during >= 1, `pongs that came before the message ended: ${during}`);
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close();
  });

  it("assembles ws's fragments and closes with 1009 past its limit", async function () {
    server = await ourEchoServer({ maxMessage: 1000 });
    const { ws, got, opened } = wsClient(server.port);
    await opened;
    ws.send("abc", { fin: false });
    ws.send("def", { fin: true });
    await until(() => got.length === 1);
    assert.equal(got[0].data.toString(), "abcdef");
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    ws.send(payload(1001));
    assert.equal(await closed, 1009);
  });

  it("answers pings, and sees closes from either side with code and reason", async function () {
    const seen: string[] = [];
    server = await ourEchoServer({
      onConnection(client) {
        client.handler = { onClose: (code, reason, clean) => seen.push(`${code} ${reason} ${clean}`) };
        if (client.target === "/bye") setTimeout(() => client.close(4003, "go away"), 20);
      },
    });
    const a = wsClient(server.port);
    await a.opened;
    const pong = new Promise<string>((r) => a.ws.on("pong", (d) => r(d.toString())));
    a.ws.ping("hello");
    assert.equal(await pong, "hello");
    a.ws.close(4004, "client leaves");
    await until(() => seen.length === 1);
    assert.equal(seen[0], "4004 client leaves true");
    const b = wsClient(server.port, "/bye");
    const closed = new Promise<string>((r) => b.ws.on("close", (code, reason) => r(`${code} ${reason}`)));
    assert.equal(await closed, "4003 go away");
  });

  it("calls the client's own handler for every message, also one set after onConnection", async function () {
    const seen: string[] = [];
    let later: ((text: string) => void) | null = null;
    server = await ourEchoServer({
      onConnection(client) {
        const first = { onMessage(this: unknown, _type: number, data: Uint8Array, length: number) {
          seen.push(`first ${this === first} ${Buffer.from(data.subarray(0, length)).toString()}`);
        } };
        client.handler = first;
        later = (tag) => {
          const second = { onMessage(this: unknown, _type: number, data: Uint8Array, length: number) {
            seen.push(`${tag} ${this === second} ${Buffer.from(data.subarray(0, length)).toString()}`);
          } };
          client.handler = second;
        };
      },
    });
    const { ws, opened } = wsClient(server.port);
    await opened;
    ws.send("one");
    await until(() => seen.length === 1);
    later!("second");
    ws.send("two");
    await until(() => seen.length === 2);
    assert.deepEqual(seen, ["first true one", "second true two"]);
    ws.close();
  });

  it("closes with 1011 WS_ERR_HANDLER_THREW when the app's callback throws, the error as its cause, and serves others on", async function () {
    const problems: { code: string; status: number; cause: unknown }[] = [];
    const bug = new Error("app bug");
    server = await ourEchoServer({
      onConnection(client) {
        client.handler = {
          onMessage(_type, data, length) {
            if (Buffer.from(data.subarray(0, length)).toString() === "throw") throw bug;
            client.send(data.slice(0, length));
          },
          onError(p) { problems.push(p as unknown as { code: string; status: number; cause: unknown }); },
        };
      },
    });
    const faulty = wsClient(server.port);
    await faulty.opened;
    const closed = new Promise<number>((resolve) => faulty.ws.once("close", (code) => resolve(code)));
    faulty.ws.send("throw");
    assert.equal(await closed, 1011);
    assert.deepEqual(problems.map((p) => [p.code, p.status, p.cause === bug]), [["WS_ERR_HANDLER_THREW", 1011, true]]);
    const good = wsClient(server.port);
    await good.opened;
    good.ws.send("still here");
    await until(() => good.got.length === 1);
    assert.equal(good.got[0].data.toString(), "still here");
    good.ws.close();
  });

  it("routes by path, checks a token and chooses a subprotocol, refusing with 401, 403 and 404", async function () {
    server = await ourEchoServer({
      onUpgrade(request) {
        if (request.target !== "/devices") return { status: 404, body: "no such endpoint" };
        if (request.headers["authorization"] === undefined) return { status: 401, headers: { "WWW-Authenticate": "Bearer" } };
        if (request.headers["authorization"] !== "Bearer good") return { status: 403 };
        return { protocol: request.protocols.includes("v2.sensor") ? "v2.sensor" : undefined };
      },
    });
    assert.equal(await statusOf(server.port, "/other"), 404);
    assert.equal(await statusOf(server.port, "/devices"), 401);
    assert.equal(await statusOf(server.port, "/devices", { Authorization: "Bearer bad" }), 403);
    const ok = wsClient(server.port, "/devices", { headers: { Authorization: "Bearer good" } }, ["v1.sensor", "v2.sensor"]);
    await ok.opened;
    assert.equal(ok.ws.protocol, "v2.sensor");
    ok.ws.close();
    assert.equal(server.stats.refused, 3);
  });

  it("answers 503 past its client limit, and serves again when a client leaves", async function () {
    server = await ourEchoServer({ maxClients: 2 });
    const a = wsClient(server.port);
    const b = wsClient(server.port);
    await Promise.all([a.opened, b.opened]);
    assert.match(await raw(server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 503 /);
    a.ws.close();
    await until(() => server.clients.size === 1);
    assert.equal(await statusOf(server.port), 101);
    b.ws.close();
  });

  it("drops a client that sends nothing within the handshake timeout, and refuses an oversized head with 431", async function () {
    const clock = manualClock();
    server = await ourEchoServer({ network: onClock(clock), handshakeTimeout: 200, maxHeader: 512 });
    const silent = raw(server.port, "GET / HTTP/1.1\r\n");
    await until(() => clock.pending === 1, 3000, "the server to accept the socket and arm its handshake timeout");
    clock.advance(199);
    assert.equal(clock.pending, 1, "still waiting 1 ms before the timeout");
    clock.advance(1);
    assert.equal(await silent, "", "dropped at the timeout, without an answer");
    assert.match(await raw(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${"a".repeat(600)}\r\n\r\n`), /^HTTP\/1\.1 431 /);
    assert.match(await raw(server.port, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"), /^HTTP\/1\.1 426 [^]*Sec-WebSocket-Version: 13\r\n/);
  });

  it("refuses sizes a connection cannot hold when it is made, before it listens", async function () {
    await assert.rejects(ourEchoServer({ outputSize: 1.5 }), (e: unknown) => e instanceof RangeError && e.message.startsWith("outputSize"));
    await assert.rejects(ourEchoServer({ maxMessage: 0 }), (e: unknown) => e instanceof RangeError && e.message.startsWith("maxMessage"));
  });

  it("hands plain HTTP requests to its handler on the same port", async function () {
    server = await ourEchoServer({
      onRequest: (request) => ({ status: 200, headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ path: request.target, clients: server.clients.size }) }),
    });
    const response = await fetch(`http://127.0.0.1:${server.port}/status`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { path: "/status", clients: 0 });
  });

  it("broadcasts past a slow client without stalling the others, counting what it drops", async function () {
    server = await ourEchoServer({ maxQueue: 20000 });
    const fast = wsClient(server.port);
    const slow = wsClient(server.port);
    await Promise.all([fast.opened, slow.opened]);
    (slow.ws as unknown as { _socket: net.Socket })._socket.pause();
    const message = payload(16384);
    let sent = 0;
    for (let i = 0; i < 1000; i++) {
      sent += server.broadcast(message).sent > 0 ? 1 : 0;
      await new Promise((r) => setImmediate(r));
      for (const c of server.clients) assert.ok(c.bufferedAmount <= 20000 + 16384, "each queue stays bounded");
    }
    await until(() => fast.got.length === 1000, 10000, "every message to the fast client");
    const slowClient = [...server.clients].find((c) => c.dropped > 0);
    assert.ok(slowClient !== undefined && slowClient.dropped > 0, "the slow client's messages were dropped");
    assert.equal(server.stats.dropped, slowClient.dropped);
    fast.ws.close();
    slow.ws.terminate();
  });

  it("closes a slow client with 1013 when so configured", async function () {
    server = await ourEchoServer({ maxQueue: 20000, slowClientClose: 1013 });
    const slow = wsClient(server.port);
    await slow.opened;
    (slow.ws as unknown as { _socket: net.Socket })._socket.pause();
    for (let i = 0; i < 1000 && server.stats.closedSlow === 0; i++) {
      server.broadcast(payload(16384));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(server.stats.closedSlow, 1);
    slow.ws.terminate();
    await sleep(10);
  });
});
