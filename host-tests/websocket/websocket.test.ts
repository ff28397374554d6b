import assert from "node:assert/strict";
import { WebSocket } from "../../firmware/websocket/websocket.js";
import { nodeNetwork } from "../../host/network-node.js";
import { nodePlatform } from "../../host/platform-node.js";
import { closeWs, until, wsEchoServer } from "../support/net.js";

describe("Browser-style WebSocket", function () {
  this.timeout(10_000);

  it("opens, echoes text and binary, and closes with the web API's events and states", async function () {
    const { server, port } = await wsEchoServer({ handleProtocols: (set) => (set.has("chat") ? "chat" : false) });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, "chat", { network: nodeNetwork, platform: nodePlatform });
    const events: string[] = [];
    ws.onopen = () => events.push("open");
    ws.onmessage = (e) => events.push(typeof e.data === "string" ? `text ${e.data}` : `binary ${new Uint8Array(e.data).join(",")}`);
    ws.onclose = (e) => events.push(`close ${e.code} ${e.wasClean}`);
    assert.equal(ws.readyState, WebSocket.CONNECTING);
    assert.throws(() => ws.send("too early"), /InvalidStateError/);
    await until(() => ws.readyState === WebSocket.OPEN);
    assert.equal(ws.protocol, "chat");
    ws.send("héllo");
    ws.send(Uint8Array.of(1, 2, 3));
    ws.send(new Uint16Array([0x0201]).buffer);
    await until(() => events.length === 4);
    assert.throws(() => ws.close(1001), /InvalidAccessError/);
    ws.close(1000, "done");
    assert.equal(ws.readyState, WebSocket.CLOSING);
    await until(() => ws.readyState === WebSocket.CLOSED);
    assert.deepEqual(events, ["open", "text héllo", "binary 1,2,3", "binary 1,2", "close 1000 true"]);
    assert.throws(() => ws.send("late"), /InvalidStateError/);
    await closeWs(server);
  });
});
