import assert from "node:assert/strict";
import net from "node:net";
import { WebSocketClient } from "../../firmware/websocket/client.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import type { SocketOptions, TcpSocket } from "../../firmware/websocket/io.js";
import type { WebSocketServer } from "../../firmware/websocket/server.js";
import { nodeNetwork } from "../../host/network-node.js";
import { nodePlatform } from "../../host/platform-node.js";
import { seededRandom } from "../../fixtures/hex.js";
import { RawPeer } from "../support/hostile-peers.js";
import { memoryNetwork } from "../../fixtures/memory-network.js";
import { ourEchoServer, until } from "../support/net.js";

const platform = { sha1, random32: seededRandom(12) };

function recordingClient(network: ReturnType<typeof memoryNetwork>, port: number, connectTimeout: number) {
  const events: string[] = [];
  const client = new WebSocketClient({ url: `ws://127.0.0.1:${port}/`, network, platform, reconnect: false, connectTimeout,
    onError: (p) => events.push(`error ${p.code} ${p.status}`),
    onClose: (code, _reason, clean) => events.push(`close ${code} ${clean}`) });
  return { client, events };
}

describe("Handshake failures are reported with their codes", function () {
  it("reports WS_ERR_HANDSHAKE_TIMEOUT, then 1006, when a server accepts TCP but never answers the upgrade", function () {
    const network = memoryNetwork();
    const listener = new network.listener!.io({ port: 81, onReadable: () => undefined }); // accepts, never reads
    const { client, events } = recordingClient(network, 81, 3000);
    network.run(2999);
    assert.deepEqual(events, [], "nothing before the timeout");
    network.run(10);
    assert.deepEqual(events, ["error WS_ERR_HANDSHAKE_TIMEOUT 0", "close 1006 false"]);
    assert.equal(client.state, "closed");
    listener.close();
  });

  it("reports WS_ERR_CONNECT_TIMEOUT when TCP never connects (a SYN into the void)", function () {
    const network = memoryNetwork();
    const made: SocketOptions[] = [];
    // a socket that never calls back, as a device's does towards an address that does not answer
    class Unanswered implements TcpSocket {
      closed = false;
      constructor(options: SocketOptions) { made.push(options); }
      read(): number { throw new Error("nothing to read"); }
      write(): number { throw new Error("not connected"); }
      close(): void { this.closed = true; }
    }
    const { client, events } = recordingClient({ ...network, socket: { io: Unanswered }, run: network.run }, 82, 2000);
    network.run(2500);
    assert.equal(made.length, 1);
    assert.deepEqual(events, ["error WS_ERR_CONNECT_TIMEOUT 0", "close 1006 false"]);
    assert.equal(client.state, "closed");
  });

  it("refuses a proxy header value that would inject a line into the CONNECT, before any socket is made", function () {
    const network = memoryNetwork();
    assert.throws(() => new WebSocketClient({ url: "ws://127.0.0.1:83/", network, platform, reconnect: false,
      proxy: { host: "127.0.0.1", port: 84, headers: { "Proxy-Authorization": "x\r\nHost: elsewhere" } } }), TypeError);
    assert.equal(network.openSockets, 0);
  });

  describe("over real TCP", function () {
    let server: WebSocketServer;
    afterEach(() => server.close());

    it("answers a request with bare-LF line endings 400 at once, long before the handshake timeout", async function () {
      server = await ourEchoServer({ handshakeTimeout: 60_000 });
      const peer = new RawPeer(server.port);
      peer.write("GET / HTTP/1.1\nHost: 127.0.0.1\nUpgrade: websocket\nConnection: Upgrade\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n\n");
      await peer.closed; // the mocha timeout (20 s) is far below the handshake timeout: only the 400 ends it
      assert.equal(peer.status, 400);
      assert.match(peer.received.toString("latin1"), /\r\n\r\nmalformed HTTP message$/);
      assert.equal(server.stats.refused, 1);
    });

    it("upgrades an HTTP/1.2 request, as RFC 6455 asks of \"1.1 or higher\"", async function () {
      server = await ourEchoServer();
      const peer = new RawPeer(server.port);
      peer.write("GET / HTTP/1.2\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      await until(() => peer.received.indexOf("\r\n\r\n") >= 0, 5000, "the answer");
      assert.equal(peer.status, 101);
      assert.equal(server.stats.accepted, 1);
      peer.socket.destroy();
    });

    it("reports WS_ERR_HANDSHAKE_TIMEOUT from a real client against a listener that never answers", async function () {
      server = await ourEchoServer();
      const accepted: net.Socket[] = [];
      const silent = new net.Server((s) => { accepted.push(s); s.on("error", () => undefined); });
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      const events: string[] = [];
      const port = (silent.address() as { port: number }).port;
      new WebSocketClient({ url: `ws://127.0.0.1:${port}/`, network: nodeNetwork, platform: nodePlatform, reconnect: false,
        connectTimeout: 300, onError: (p) => events.push(p.code), onClose: (code) => events.push(String(code)) });
      try {
        await until(() => events.length === 2, 5000, "the timeout");
        assert.deepEqual(events, ["WS_ERR_HANDSHAKE_TIMEOUT", "1006"]);
      } finally {
        for (const s of accepted) s.destroy();
        await new Promise((r) => silent.close(r));
      }
    });
  });
});
