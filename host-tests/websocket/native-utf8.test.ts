import assert from "node:assert/strict";
import { WebSocketClient } from "../../firmware/websocket/client.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { UTF8_REJECT, utf8Validate } from "../../firmware/websocket/core/utf8.js";
import type { Utf8Check } from "../../firmware/websocket/platform.js";
import { WebSocketServer } from "../../firmware/websocket/server.js";
import { seededRandom } from "../../fixtures/hex.js";
import { memoryNetwork } from "../../fixtures/memory-network.js";

/** The native's contract (xs_ws_utf8_check): utf8Validate's states, one call a piece; counted. */
function countingCheck(calls: number[]): Utf8Check {
  return (state, bytes, start, end) => {
    calls.push(end - start);
    return utf8Validate(state, bytes, start, end);
  };
}

/** A server and a client on one memory network, each with its own platform check (or none). */
function pair(serverCheck: Utf8Check | undefined, clientCheck: Utf8Check | undefined) {
  const network = memoryNetwork();
  const atServer: string[] = [];
  const atClient: string[] = [];
  const decode = (data: Uint8Array, length: number) => new TextDecoder().decode(data.subarray(0, length));
  const server = new WebSocketServer({ port: 80, network, maxMessage: 8192, inputSize: 1460,
    platform: { sha1, random32: seededRandom(3), utf8: serverCheck },
    onConnection(client) {
      client.handler = {
        onMessage(_type, data, length) { atServer.push(decode(data, length)); client.send(decode(data, length)); },
        onClose(code) { atServer.push(`closed ${code}`); },
      };
    } });
  const client = new WebSocketClient({ url: "ws://127.0.0.1:80/", network, reconnect: false, maxMessage: 8192,
    platform: { sha1, random32: seededRandom(4), utf8: clientCheck },
    onMessage(_type: number, data: Uint8Array, length: number) { atClient.push(decode(data, length)); },
    onClose(code: number) { atClient.push(`closed ${code}`); } } as ConstructorParameters<typeof WebSocketClient>[0]);
  network.run(100);
  return { network, server, client, atServer, atClient };
}

describe("The platform's native UTF-8 check (Platform.utf8)", function () {
  const text = "h€llo 𤭢 ".repeat(300); // 3,900 bytes of 1- to 4-byte characters: several reads

  it("checks every text a server and a client receive, through the session, one call a piece", function () {
    const serverCalls: number[] = [];
    const clientCalls: number[] = [];
    const { network, server, client, atServer, atClient } = pair(countingCheck(serverCalls), countingCheck(clientCalls));
    assert.ok(client.send("é"));
    network.run(100);
    assert.ok(client.send(text));
    network.run(1000);
    assert.deepEqual(atServer, ["é", text]);
    assert.deepEqual(atClient, ["é", text], "echoed back");
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    assert.equal(sum(serverCalls), 2 + 3900, "every received text byte checked by the server's native, once");
    assert.equal(sum(clientCalls), 2 + 3900, "and by the client's");
    assert.ok(serverCalls.length >= 3 && serverCalls.length <= 8, `${serverCalls.length} calls: one a piece, not one a byte`);
    client.close();
    network.run(1000);
    server.close();
  });

  for (const [name, message] of [["a small frame", "fine, says the script"], ["a message over several reads", text]]) {
    it(`closes with 1007 when the native says the text is not UTF-8: ${name}`, function () {
      const { network, server, client, atServer, atClient } = pair(() => UTF8_REJECT, undefined);
      assert.ok(client.send(message));
      network.run(1000);
      assert.deepEqual(atServer, ["closed 1007"]);
      assert.deepEqual(atClient, ["closed 1007"]);
      server.close();
    });
  }
});
