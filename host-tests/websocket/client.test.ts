import assert from "node:assert/strict";
import net from "node:net";
import type { WebSocketServer as WsServer } from "ws";
import { manualClock } from "../../fixtures/manual-clock.js";
import { closeWs, onClock, ourClient, until, wsEchoServer } from "../support/net.js";

const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];
const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
const text = (n: number) => "aé€😀".repeat(n).slice(0, n); // characters of 1 to 4 UTF-8 bytes

describe("Client against a ws server over TCP", function () {
  this.timeout(20_000);
  let server: WsServer;
  let port: number;
  beforeEach(async () => ({ server, port } = await wsEchoServer()));
  afterEach(() => closeWs(server));

  it("exchanges binary messages of 0, 1, 125, 126, 65535, 65536 and 1 MiB bytes", async function () {
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`);
    await until(() => client.state === "open");
    for (const n of SIZES) {
      const sent = payload(n); // from 126 bytes on masked in place as it is written (direct-payload.js)
      assert.ok(client.send(sent), `send ${n}`);
      await until(() => rec.messages.length > 0, 5000, `echo of ${n}`);
      const m = rec.messages.shift()!;
      assert.equal(m.type, 2);
      assert.deepEqual(m.data, payload(n));
      assert.deepEqual(sent, payload(n), `the app's ${n} bytes as they were`);
    }
    client.close();
  });

  it("sends a 256 KiB message in 1 KiB pieces at the socket's pace, counted in bufferedAmount", async function () {
    let drains = 0;
    let next = 0;
    const piece = (i: number) => payload(1024 + i).subarray(i, i + 1024); // a different kilobyte each time
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, { maxQueue: 4096, onDrain: () => { drains++; pump(); } });
    let most = 0;
    let refused = 0;
    const pump = () => {
      while (next < 256) {
        // each piece is a fresh array: a queued piece is kept by reference until it is sent
        if (!client.sendPiece(piece(next).slice(), next === 255)) { refused++; return; }
        next++;
        most = Math.max(most, client.bufferedAmount);
      }
    };
    await until(() => client.state === "open");
    pump();
    await until(() => rec.messages.length === 1, 10_000, "the echo of the whole message");
    const expected = new Uint8Array(256 * 1024);
    for (let i = 0; i < 256; i++) expected.set(piece(i), i * 1024);
    assert.equal(rec.messages[0].type, 2);
    assert.deepEqual(rec.messages[0].data, expected);
    assert.ok(refused > 0 && drains > 0, `the queue refused pieces (${refused}) and drained (${drains})`);
    assert.ok(most > 0 && most <= 4096, `bufferedAmount stayed within maxQueue: ${most}`);
    assert.throws(() => { client.sendPiece(Uint8Array.of(1), false); client.send("x"); }, /final piece/);
    client.close();
  });

  it("exchanges text messages of every size with characters of 1 to 4 bytes", async function () {
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`);
    await until(() => client.state === "open");
    for (const n of SIZES.slice(0, 6)) {
      client.send(text(n));
      await until(() => rec.messages.length > 0);
      const m = rec.messages.shift()!;
      assert.equal(m.type, 1);
      assert.equal(Buffer.from(m.data).toString(), text(n));
    }
    client.close();
  });

  it("throws WS_ERR_INVALID_DATA for send(undefined) and sendPiece(null), as for send(JSON.stringify(undefined)), and goes on", async function () {
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`);
    await until(() => client.state === "open");
    assert.throws(() => client.send(JSON.stringify(undefined) as unknown as string), (e: { code?: string }) => e.code === "WS_ERR_INVALID_DATA");
    assert.throws(() => client.sendPiece(null as unknown as Uint8Array, true), (e: { code?: string }) => e.code === "WS_ERR_INVALID_DATA");
    client.send("after");
    await until(() => rec.messages.length > 0);
    assert.equal(Buffer.from(rec.messages[0].data).toString(), "after");
    client.close();
  });

  it("closes with 1009 when a message is over its limit, and ws sees the code", async function () {
    let seen = 0;
    server.on("connection", (ws) => { ws.on("close", (code) => (seen = code)); ws.send(new Uint8Array(2000)); });
    const { rec } = ourClient(`ws://127.0.0.1:${port}/`, { maxMessage: 1024 });
    await until(() => seen !== 0);
    assert.equal(seen, 1009);
    assert.ok(rec.events.includes("error WS_ERR_UNSUPPORTED_MESSAGE_LENGTH 1009"));
  });

  it("sends fragmented messages that ws assembles, and assembles ws's fragments", async function () {
    let fragments = 0;
    server.on("connection", (ws) => {
      const socket = (ws as unknown as { _socket: net.Socket })._socket;
      socket.on("data", (d: Buffer) => { if ((d[0] & 0x80) === 0) fragments++; });
      ws.send("abc", { fin: false });
      ws.send("def", { fin: true });
    });
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, { fragmentSize: 100 });
    await until(() => rec.messages.length === 1);
    assert.equal(Buffer.from(rec.messages.shift()!.data).toString(), "abcdef");
    client.send(payload(1000));
    await until(() => rec.messages.length === 1);
    assert.deepEqual(rec.messages[0].data, payload(1000));
    assert.ok(fragments >= 1, "the 1000-byte message went out in fragments");
    client.close();
  });

  it("answers ws's ping with its payload and hears the pong to its own", async function () {
    let pong = "";
    server.on("connection", (ws) => { ws.on("pong", (d) => (pong = d.toString())); ws.ping("from ws"); });
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`);
    await until(() => pong === "from ws");
    client.ping(Buffer.from("from us"));
    await until(() => rec.events.includes("pong from us"));
    client.close();
  });

  it("closes first with a code and reason that ws sees, and reports a clean close", async function () {
    let seen = "";
    server.on("connection", (ws) => ws.on("close", (code, reason) => (seen = `${code} ${reason}`)));
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`);
    await until(() => client.state === "open");
    client.close(4001, "bye now");
    await until(() => seen !== "" && rec.events.some((e) => e.startsWith("close")));
    assert.equal(seen, "4001 bye now");
    assert.ok(rec.events.includes("close 4001 bye now clean"), rec.events.join("; ")); // ws echoes the reason
    assert.equal(client.state, "closed");
  });

  it("reports the code and reason when ws closes first", async function () {
    server.on("connection", (ws) => setTimeout(() => ws.close(4002, "server says bye"), 20));
    const { rec } = ourClient(`ws://127.0.0.1:${port}/`);
    await until(() => rec.events.some((e) => e.startsWith("close")));
    assert.ok(rec.events.includes("close 4002 server says bye clean"), rec.events.join("; "));
  });

  it("reports an abrupt reset as 1006", async function () {
    server.on("connection", (ws) => setTimeout(() => ws.terminate(), 20));
    const { rec } = ourClient(`ws://127.0.0.1:${port}/`);
    await until(() => rec.events.some((e) => e.startsWith("close")));
    assert.ok(rec.events.includes("close 1006  unclean"));
  });

  it("does not reconnect after a 403 refusal, however long it waits", async function () {
    await closeWs(server);
    ({ server, port } = await wsEchoServer({ verifyClient: (_info, cb) => cb(false, 403) }));
    const clock = manualClock();
    let reconnects = 0;
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, {
      network: onClock(clock), reconnect: { initialDelay: 10 }, onReconnect: () => reconnects++,
    });
    await until(() => client.state === "closed");
    assert.ok(rec.events.includes("error WS_ERR_UNEXPECTED_STATUS 403"), rec.events.join("; "));
    clock.advance(60_000); // past the longest backoff: a retry would be under way now
    assert.deepEqual([client.state, reconnects, clock.pending], ["closed", 0, 0]);
  });

  it("declares a server that stops reading dead at its heartbeat's timeout after an unanswered ping", async function () {
    let peer: net.Socket | undefined;
    server.on("connection", (ws) => (peer = (ws as unknown as { _socket: net.Socket })._socket));
    const clock = manualClock();
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, { network: onClock(clock), heartbeat: { interval: 100, timeout: 150 } });
    await until(() => client.state === "open" && peer !== undefined);
    peer!.pause(); // our ping is never read, so never answered
    clock.advance(100 + 149);
    assert.equal(client.state, "open", "not dropped before the timeout");
    clock.advance(1);
    await until(() => client.state === "closed", 3000, "the drop");
    assert.deepEqual(rec.events, ["open ", "close 1006  unclean"]);
  });

  it("keeps a live link alive through its heartbeat: one ping each interval, each answered", async function () {
    let pings = 0;
    server.on("connection", (ws) => ws.on("ping", () => pings++));
    const clock = manualClock();
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, { network: onClock(clock), heartbeat: { interval: 50, timeout: 100 } });
    await until(() => client.state === "open");
    const pongs = () => rec.events.filter((e) => e.startsWith("pong")).length;
    for (let round = 1; round <= 3; round++) {
      // the first ping after `interval`; each later one when the previous timeout has seen the link alive
      clock.advance(round === 1 ? 50 : 100);
      await until(() => pongs() === round, 3000, `the answer to ping ${round}`);
      assert.equal(pings, round, "one ping per round");
      assert.equal(client.state, "open");
    }
    client.close();
  });

  it("holds a slow reader by backpressure: send() refuses past its queue, and the queue stays bounded", async function () {
    let socket: net.Socket | undefined;
    server.on("connection", (ws) => { socket = (ws as unknown as { _socket: net.Socket })._socket; socket.pause(); });
    let drained = 0;
    const { client } = ourClient(`ws://127.0.0.1:${port}/`, { maxQueue: 32768, onDrain: () => drained++ });
    await until(() => client.state === "open" && socket !== undefined);
    let accepted = 0;
    let refused = 0;
    let peak = 0;
    // loopback's kernel buffers take megabytes before the paused reader holds the sender back
    const data = payload(16384);
    for (let i = 0; i < 4000 && refused === 0; i++) {
      if (client.send(data)) accepted++;
      else refused++;
      await new Promise((r) => setImmediate(r));
      peak = Math.max(peak, client.bufferedAmount);
    }
    assert.equal(refused, 1, "send() says no instead of growing without bound");
    assert.ok(peak <= 32768 + 16384, `bufferedAmount peaked at ${peak}`);
    assert.ok(accepted < 4000);
    socket!.resume();
    await until(() => drained > 0, 5000, "onDrain");
    client.close();
  });
});

describe("Client reconnection", function () {
  this.timeout(20_000);

  it("reconnects with backoff after the server restarts, each attempt after its delay, and counts attempts", async function () {
    let { server, port } = await wsEchoServer();
    const clock = manualClock();
    const delays: number[] = [];
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, {
      network: onClock(clock), reconnect: { initialDelay: 50, maxDelay: 400 }, onReconnect: (_attempt, delay) => delays.push(delay),
    });
    await until(() => client.state === "open");
    await closeWs(server);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await until(() => delays.length === attempt, 3000, `attempt ${attempt} to be scheduled`);
      assert.equal(client.state, "waiting");
      if (delays[attempt - 1] > 0) clock.advance(delays[attempt - 1] - 1);
      assert.equal(client.state, "waiting", "no attempt before its delay");
      clock.advance(1);
      assert.equal(client.state, "connecting", `attempt ${attempt} at its delay`);
      assert.equal(client.attempts, attempt);
    }
    await until(() => delays.length === 4, 3000, "the fourth attempt to be scheduled");
    ({ server } = await wsEchoServer({ port }));
    clock.advance(delays[3]);
    await until(() => rec.events.filter((e) => e.startsWith("open")).length === 2, 5000, "the second open");
    assert.equal(client.attempts, 0, "counters reset on success");
    assert.ok(delays.every((d, i) => d >= 0 && d <= Math.min(400, 50 * 2 ** i)), `full jitter under the ceiling: ${delays}`);
    client.close();
    await closeWs(server);
  });

  it("refuses a bad URL with a TypeError", function () {
    assert.throws(() => ourClient("http://127.0.0.1/"), TypeError);
    assert.throws(() => ourClient("ws://127.0.0.1/#frag"), TypeError);
  });

  it("refuses sizes a connection cannot hold when it is made, not at its first connection", function () {
    const badSize = (name: string) => (e: unknown) => e instanceof RangeError && e.message.startsWith(name);
    assert.throws(() => ourClient("ws://127.0.0.1:9/", { maxMessage: 0 }), badSize("maxMessage"));
    assert.throws(() => ourClient("ws://127.0.0.1:9/", { inputSize: -5 }), badSize("inputSize"));
  });
});
