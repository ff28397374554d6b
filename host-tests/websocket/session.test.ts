import assert from "node:assert/strict";
import { WebSocketClient } from "../../firmware/websocket/client.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { type ServerClient, WebSocketServer } from "../../firmware/websocket/server.js";
import { ascii, concat, seededRandom } from "../../fixtures/hex.js";
import { memoryNetwork, type MemoryNetwork } from "../../fixtures/memory-network.js";
import { clientFrame, MemoryPeer, parseServerFrames, UPGRADE } from "../support/memory-peer.js";
import { nodePlatform } from "../../host/platform-node.js";

const platform = { sha1, random32: seededRandom(5) };

function echoServer(network: MemoryNetwork, extra: Partial<ConstructorParameters<typeof WebSocketServer>[0]> = {}) {
  const clients: ServerClient[] = [];
  const server = new WebSocketServer({
    port: 80, network, platform, maxClients: 2, handshakeTimeout: 1000, closeTimeout: 500, ...extra,
    onConnection(client) {
      clients.push(client);
      client.handler = { onMessage(type, data, length) { client.send(data.slice(0, length)); } };
    },
  });
  return { server, clients };
}

/** A raw peer through the opening handshake. */
function upgradedPeer(network: MemoryNetwork): MemoryPeer {
  const peer = new MemoryPeer(network, 80);
  network.run(10);
  peer.write(UPGRADE);
  network.run(10);
  return peer;
}

describe("Sessions close their sockets on every path, exactly once", function () {
  it("closes both sockets after a clean close started by the client", function () {
    const network = memoryNetwork();
    const { server } = echoServer(network);
    const client = new WebSocketClient({ url: "ws://127.0.0.1:80/", network, platform, reconnect: false,
      onOpen: () => client.close(1000, "bye") });
    network.run(5000);
    assert.equal(client.state, "closed");
    assert.equal(network.openSockets, 0);
    server.close();
    assert.equal(network.openListeners, 0);
  });

  it("closes the client's socket when the server vanishes, and the accepted one when the server is closed", function () {
    const network = memoryNetwork();
    const { server } = echoServer(network);
    const client = new WebSocketClient({ url: "ws://127.0.0.1:80/", network, platform, reconnect: false });
    network.run(100);
    assert.equal(client.state, "open");
    server.close();
    network.run(5000);
    assert.equal(client.state, "closed");
    assert.equal(network.openSockets, 0);
  });

  it("closes sockets refused with 503 past the client limit and with a 4xx from onUpgrade", function () {
    const network = memoryNetwork();
    const { server } = echoServer(network, { maxClients: 1, onUpgrade: (r) => (r.target === "/no" ? { status: 401 } : undefined) });
    const peers = [new MemoryPeer(network, 80), new MemoryPeer(network, 80), new MemoryPeer(network, 80)];
    network.run(10);
    peers[0].write(UPGRADE);
    network.run(10);
    const refused = ascii("GET /no HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    peers[2].write(refused);
    network.run(100);
    const status = (p: MemoryPeer) => String.fromCharCode(...p.received.subarray(9, 12));
    assert.deepEqual(peers.map(status), ["101", "", "503"]); // the second never asks
    assert.ok(peers[2].ended, "the refused peer saw the end");
    peers.push(new MemoryPeer(network, 80)); // one more while the server is full: 503 at once
    network.run(10);
    assert.equal(status(peers[3]), "503");
    for (const p of peers) p.socket.close();
    network.run(100);
    assert.equal(network.openSockets, 0);
    server.close();
    // and one more, within the limit again, refused by the hook
    const network2 = memoryNetwork();
    const second = echoServer(network2, { onUpgrade: () => ({ status: 401 }) });
    const peer = new MemoryPeer(network2, 80);
    network2.run(10);
    peer.write(UPGRADE);
    network2.run(100);
    assert.equal(status(peer), "401");
    peer.socket.close();
    network2.run(100);
    assert.equal(network2.openSockets, 0);
    second.server.close();
  });

  it("evicts the oldest pending handshake for a new one, so silent sockets cannot lock a good client out", function () {
    const network = memoryNetwork();
    const { server } = echoServer(network, { maxClients: 4, maxPending: 4 });
    const silent = Array.from({ length: 12 }, () => new MemoryPeer(network, 80));
    network.run(10);
    assert.equal(server.stats.evicted, 8);
    assert.deepEqual(silent.map((p) => p.ended), [...Array(8).fill(true), ...Array(4).fill(false)]);
    const good = upgradedPeer(network);
    assert.equal(String.fromCharCode(...good.received.subarray(9, 12)), "101");
    for (const p of [...silent, good]) p.socket.close();
    server.close();
    network.run(10);
    assert.equal(network.openSockets, 0);
  });

  it("drops a silent socket at the handshake timeout, and pending handshakes when the server closes", function () {
    const network = memoryNetwork();
    const { server } = echoServer(network);
    const silent = new MemoryPeer(network, 80);
    network.run(999);
    assert.equal(silent.ended, false);
    network.run(2);
    assert.equal(silent.ended, true, "dropped at 1 s");
    silent.socket.close();
    const pending = new MemoryPeer(network, 80);
    network.run(10);
    server.close();
    network.run(10);
    assert.equal(pending.ended, true);
    pending.socket.close();
    assert.equal(network.openSockets, 0);
    assert.equal(network.openListeners, 0);
  });

  it("reports a socket that cannot be made (lwIP's pool used up) as WS_ERR_SOCKET, not in silence", function () {
    const network = memoryNetwork(5744, 0);
    const errors: string[] = [];
    const client = new WebSocketClient({ url: "ws://127.0.0.1:80/", network, platform, reconnect: false,
      onError: (p) => errors.push(`${p.code} ${p.message}`) });
    network.run(100);
    assert.equal(client.state, "closed");
    assert.deepEqual(errors, ["WS_ERR_SOCKET no socket: no socket free"]);
  });

  it("reconnects 1,000 times with at most 4 sockets open at once, as lwIP allows", function () {
    const network = memoryNetwork(5744, 4);
    let dropNext = 0;
    const server = new WebSocketServer({ port: 80, network, platform, onConnection(c) { dropNext++; network.timers.set(() => c.close(1012), 3); } });
    let reconnects = 0;
    const client = new WebSocketClient({ url: "ws://127.0.0.1:80/", network, platform,
      reconnect: { initialDelay: 4, maxDelay: 4 }, onReconnect: () => reconnects++ });
    for (let guard = 0; reconnects < 1000 && guard < 200_000; guard++) network.run(1);
    client.close();
    network.run(5000);
    server.close();
    assert.equal(reconnects, 1000);
    assert.ok(dropNext >= 1000, `opened ${dropNext}`);
    assert.ok(network.mostOpen <= 4, `${network.mostOpen} open at once`);
    assert.equal(network.openSockets, 0);
  });
});

describe("Sessions keep a deadline once a close starts", function () {
  /** A peer that stops reading behind 10 KB of our messages, then `start` begins the close. */
  function closeTimesOut(start: (client: ServerClient, peer: MemoryPeer) => void, what: string): void {
    const network = memoryNetwork(2048);
    const { server, clients } = echoServer(network);
    const peer = upgradedPeer(network);
    peer.reading = false; // our window fills (two frames of 1,024 bytes, exactly): no close frame of ours can go out
    for (let i = 0; i < 10; i++) clients[0].send(new Uint8Array(1020));
    network.run(10);
    start(clients[0], peer);
    network.run(499);
    assert.equal(network.openSockets, 2);
    network.run(2);
    assert.equal(network.openSockets, 1, `our socket is closed at the close timeout ${what}`);
    peer.socket.close();
    server.close();
    assert.equal(network.openSockets, 0);
  }

  it("drops a connection whose close frame the silent peer never takes, at the close timeout", function () {
    closeTimesOut((client) => client.close(1000, "bye"), "after our close");
  });

  it("drops a connection whose peer closed but never reads our echo", function () {
    closeTimesOut((_client, peer) => peer.write(clientFrame(0x88, Uint8Array.of(0x03, 0xe8))), "after the peer's close");
  });
});

describe("Every ping gets its own pong, in order", function () {
  it("answers 40 pings that arrive in one read with 40 pongs carrying their payloads, in order", function () {
    const network = memoryNetwork();
    const { server } = echoServer(network);
    const peer = upgradedPeer(network);
    const pings = Array.from({ length: 40 }, (_, i) => clientFrame(0x89, ascii(`p${i}`)));
    assert.ok(peer.write(concat(...pings, clientFrame(0x81, ascii("after")))));
    network.run(100);
    const frames = parseServerFrames(peer.frames());
    assert.deepEqual(frames.map(([op, p]) => `${op} ${String.fromCharCode(...p)}`),
      [...Array.from({ length: 40 }, (_, i) => `10 p${i}`), "2 after"]);
    peer.socket.close();
    server.close();
  });

  it("stops reading from a peer that floods pings and never reads, and answers every ping once it reads", function () {
    const network = memoryNetwork(4096);
    const { server } = echoServer(network);
    const peer = upgradedPeer(network);
    peer.reading = false;
    let sent = 0;
    for (let round = 0; round < 2000; round++) {
      const ping = clientFrame(0x89, ascii(`ping ${sent}`.padEnd(100, ".")));
      if (!peer.write(ping)) break; // our reading stopped: the peer's window is full
      sent++;
      network.run(1);
    }
    assert.ok(sent < 2000, `the flood was never held back (${sent} pings)`);
    assert.ok(sent > 40, `only ${sent} pings went out`);
    peer.reading = true;
    for (let i = 0; i < 200; i++) { peer.readNow(); network.run(1); }
    const pongs = parseServerFrames(peer.frames());
    assert.equal(pongs.length, sent);
    pongs.forEach(([op, p], i) => assert.equal(`${op} ${String.fromCharCode(...p).replace(/\.+$/, "")}`, `10 ping ${i}`));
    peer.socket.close();
    server.close();
  });
});

describe("A large message goes to the socket in writes of one size", function () {
  for (const natives of [{}, { mask: nodePlatform.mask, copy: nodePlatform.copy }]) {
    it(`writes a client's 64 KiB message as whole output areas, then the rest (${Object.keys(natives).join(" and ") || "no natives"})`, function () {
      const network = memoryNetwork(5744);
      const got: Uint8Array[] = [];
      const server = new WebSocketServer({ port: 80, network, platform, maxMessage: 70_000,
        onConnection(client) { client.handler = { onMessage(_type, data, length) { got.push(data.slice(0, length)); } }; } });
      const client = new WebSocketClient({ url: "ws://127.0.0.1:80/", network, platform: { ...platform, ...natives }, reconnect: false });
      network.run(100);
      const lengths: number[] = [];
      network.onWrite = (n) => lengths.push(n);
      const message = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      assert.ok(client.send(message));
      network.run(1000);
      network.onWrite = undefined;
      assert.equal(got.length, 1);
      assert.deepEqual(got[0], message);
      // a client's 1,460-byte output area less its 2-byte shift, in whole words: 1,456 bytes a write
      // (a socket's room of 5,744 takes three; the other 1,376 bytes wait for an acknowledgement)
      assert.deepEqual([...new Set(lengths.slice(0, -1))], [1456], `writes of ${[...new Set(lengths)].join(", ")} bytes`);
      assert.equal(lengths.reduce((a, b) => a + b, 0), 65536 + 5 * 8, "five frames' headers and the payload");
      client.close();
      network.run(1000);
      server.close();
    });
  }
});
