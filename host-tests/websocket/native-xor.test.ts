import assert from "node:assert/strict";
import { WebSocketClient } from "../../firmware/websocket/client.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { WebSocketServer } from "../../firmware/websocket/server.js";
import { seededRandom } from "../../fixtures/hex.js";
import { memoryNetwork } from "../../fixtures/memory-network.js";

/** The native's contract (xs_logical_xor): dst ^= src repeated, over dst's first `count` bytes (all of dst without one). */
function scriptXor(calls: number[]) {
  return (dst: Uint8Array, src: Uint8Array, count = dst.length) => {
    assert.ok(count >= 1 && count <= dst.length, `count ${count} of a ${dst.length}-byte target`);
    calls.push(count);
    for (let i = 0; i < count; i++) dst[i] ^= src[i & 3];
  };
}

describe("A server with the platform's native xor", function () {
  for (const size of [65536, 200_003]) {
    it(`unmasks a ${size}-byte message read 1,460 bytes at a time, through the native call, byte for byte`, function () {
      const network = memoryNetwork();
      const calls: number[] = [];
      const got: Uint8Array[] = [];
      const server = new WebSocketServer({ port: 80, network, maxMessage: 256 * 1024, inputSize: 1460,
        platform: { sha1, random32: seededRandom(3), xor: scriptXor(calls) },
        onConnection(client) { client.handler = { onMessage(_type, data, length) { got.push(data.slice(0, length)); } }; } });
      const client = new WebSocketClient({ url: "ws://127.0.0.1:80/", network, platform: { sha1, random32: seededRandom(4) },
        reconnect: false, outputSize: 70_000 });
      network.run(100);
      const message = Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      assert.ok(client.send(message));
      network.run(1000);
      assert.equal(got.length, 1);
      assert.deepEqual(got[0], message);
      // the reads that lie inside a frame's body went through the native call, one call each (the
      // client's frames are cut to its socket's room, 5,744 bytes here: 2 of every 4 reads)
      assert.ok(calls.length >= Math.floor(size / 1460 / 2) - 2, `native calls: ${calls.length}`);
      assert.ok(calls.every((n) => n > 0 && n <= 1460), "each call covers one read at most");
      client.close();
      network.run(1000);
      server.close();
    });
  }
});
