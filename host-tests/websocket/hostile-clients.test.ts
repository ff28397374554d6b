import assert from "node:assert/strict";
import WebSocket from "ws";
import type { WebSocketServer } from "../../firmware/websocket/server.js";
import { collectGarbage } from "../support/heap.js";
import { manualClock } from "../../fixtures/manual-clock.js";
import { badFrames, clientFrame, connectionFlood, headerFlood, nonReader, pause, pingFlood, RawPeer,
  upgradedPeer } from "../support/hostile-peers.js";
import { onClock, ourEchoServer, until } from "../support/net.js";


/** Heap in use after a full collection, in bytes. */
function liveHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A well-behaved ws client that echoes a message every 10 ms and checks each answer. */
function goodClient(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const state = { sent: 0, echoed: 0, wrong: 0, closed: false, timer: undefined as NodeJS.Timeout | undefined };
  ws.on("open", () => (state.timer = setInterval(() => ws.send(`m${state.sent++}`), 10)));
  ws.on("message", (data) => { if (data.toString() !== `m${state.echoed++}`) state.wrong++; });
  ws.on("close", () => (state.closed = true));
  return { ws, state, stop: () => { clearInterval(state.timer); ws.close(); } };
}

describe("Server against hostile clients, while a good client keeps being served", function () {
  this.timeout(30_000);
  let server: WebSocketServer;
  let good: ReturnType<typeof goodClient>;
  let heapBefore = 0;
  let echoedBefore = 0;
  let refused = 0; // echoes the server's send() refused
  let queued = 0; // the largest queue any client had
  // the server's timers (handshake and close timeouts) move only when a test moves them
  const clock = manualClock();

  before(async function () {
    server = await ourEchoServer({
      network: onClock(clock), maxClients: 6, maxPending: 64, handshakeTimeout: 400, maxHeader: 1024, maxMessage: 4096, maxQueue: 16384,
      onConnection(client) {
        client.handler = {
          onMessage(type, data, length) {
            if (!client.send(type === 1 ? Buffer.from(data.subarray(0, length)).toString() : data.slice(0, length))) refused++;
            queued = Math.max(queued, client.bufferedAmount);
          },
        };
      },
    });
    good = goodClient(server.port);
    await until(() => good.state.echoed > 5, 5000, "the good client's first echoes");
    heapBefore = liveHeap();
  });
  beforeEach(() => (echoedBefore = good.state.echoed));
  afterEach(async function () {
    await until(() => good.state.echoed >= echoedBefore + 10, 3000, "the good client's echoes to go on");
    assert.equal(good.state.wrong, 0);
    assert.equal(good.state.closed, false);
  });
  after(() => { good?.stop(); server?.close(); });

  it("drops a client that trickles its handshake at the handshake timeout, and not before", async function () {
    const armed = clock.pending;
    const peer = new RawPeer(server.port);
    peer.write("GET / HTTP/1.1\r\n");
    await until(() => clock.pending === armed + 1, 3000, "the server to accept the socket and arm its handshake timeout");
    clock.advance(200);
    peer.write("Host: 127.0.0.1\r\nUpgrade: websocket\r\n");
    await pause(20); // lets the trickle reach the server (its I/O, not its timer): it must not extend the timeout
    clock.advance(199);
    assert.deepEqual([clock.pending, peer.closedAt], [armed + 1, 0], "still waiting 1 ms before the timeout");
    clock.advance(1);
    assert.equal(await peer.closedWithin(3000), true, "closed at the timeout");
    assert.equal(clock.pending, armed, "its timer is gone with it");
    peer.destroy();
  });

  it("answers an endless header with 431 and closes", async function () {
    const { status, closed } = await headerFlood(server.port, 1 << 20);
    assert.equal(status, 431);
    assert.ok(closed);
  });

  it("closes with 1009 on a frame announcing 1 GiB, before any of it arrives", async function () {
    const header = Uint8Array.from([0x82, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4]);
    assert.deepEqual(await badFrames(server.port, header), { code: 1009, closed: true });
  });

  it("closes with 1002 on an unmasked frame and on a reserved opcode", async function () {
    assert.deepEqual(await badFrames(server.port, Uint8Array.from([0x81, 0x02, 0x68, 0x69])), { code: 1002, closed: true });
    assert.deepEqual(await badFrames(server.port, clientFrame(0x83, "x")), { code: 1002, closed: true });
  });

  it("closes with 1007 on invalid UTF-8, at the first bad byte of an unfinished message", async function () {
    assert.deepEqual(await badFrames(server.port, clientFrame(0x01, Uint8Array.of(0x68, 0xc0, 0xaf))), { code: 1007, closed: true });
  });

  it("answers a flood of 20,000 pings from a client that does not read with at most one pong each, and stays up", async function () {
    const { pongs, open } = await pingFlood(server.port, 20_000);
    assert.ok(pongs >= 1 && pongs <= 20_000, `${pongs} pongs`);
    assert.ok(open);
  });

  it("closes with 1008 a message sent in more fragments than maxFragments allows", async function () {
    const fragments = [clientFrame(0x02, Uint8Array.of(0))];
    for (let i = 0; i < 4200; i++) fragments.push(clientFrame(0x00, Uint8Array.of(i & 0xff)));
    assert.deepEqual(await badFrames(server.port, Buffer.concat(fragments)), { code: 1008, closed: true });
  });

  it("serves a new client while 600 sockets sit silent, evicting the oldest pending handshakes", async function () {
    const evicted = server.stats.evicted;
    const silent = Array.from({ length: 600 }, () => new RawPeer(server.port));
    await until(() => server.stats.evicted - evicted >= 300, 10_000, "silent sockets to be evicted");
    const late = await upgradedPeer(server.port);
    assert.equal(late.status, 101);
    for (const p of [...silent, late]) p.destroy();
  });

  it("answers connections past its limit with 503, and serves again when they leave", async function () {
    const { statuses, peers } = await connectionFlood(server.port, 40);
    assert.equal(statuses[101], 5, JSON.stringify(statuses)); // six clients at most, the good one included
    assert.equal(statuses[503], 35, JSON.stringify(statuses));
    for (const p of peers) p.destroy();
    await until(() => server.clients.size === 1, 3000, "the flood's clients to be forgotten");
  });

  it("keeps the queue of a client that stops reading bounded: send() refuses past it", async function () {
    const peer = await nonReader(server.port, 20_000, 1024);
    await until(() => refused > 0, 5000, "a refused echo");
    assert.ok(queued > 0 && queued <= 16384, `${queued} bytes queued at most`);
    peer.destroy();
    await until(() => server.clients.size === 1, 3000, "the slow client to be forgotten");
  });

  it("holds its heap after all of the above: growth under 4 MiB, and only the good client left", async function () {
    await pause(200);
    const growth = liveHeap() - heapBefore;
    assert.ok(growth < 4 << 20, `heap grew by ${growth} bytes`);
    assert.equal(server.clients.size, 1);
  });
});
