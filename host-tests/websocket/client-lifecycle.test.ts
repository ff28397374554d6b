import assert from "node:assert/strict";
import type net from "node:net";
import WebSocket from "ws";
import { manualClock } from "../../fixtures/manual-clock.js";
import { closeWs, onClock, ourClient, ourEchoServer, until, wsEchoServer } from "../support/net.js";

describe("Client and server lifecycle", function () {
  this.timeout(10_000);

  it("does not reconnect after a deliberate close, even with a reconnect policy, however long it waits", async function () {
    const { server, port } = await wsEchoServer();
    const clock = manualClock();
    let reconnects = 0;
    const { client } = ourClient(`ws://127.0.0.1:${port}/`, {
      network: onClock(clock), reconnect: { initialDelay: 10 }, onReconnect: () => reconnects++,
    });
    await until(() => client.state === "open");
    client.close();
    await until(() => client.state === "closed");
    clock.advance(60_000); // past any backoff and the close timeout: a reconnection would be under way now
    assert.deepEqual([client.state, reconnects, clock.pending], ["closed", 0, 0]);
    await closeWs(server);
  });

  it("reports 1006 when closed before the connection opened", async function () {
    const { server, port } = await wsEchoServer();
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`);
    client.close();
    await until(() => client.state === "closed");
    await until(() => rec.events.length > 0);
    assert.deepEqual(rec.events, ["close 1006  unclean"]);
    await closeWs(server);
  });

  it("drops the socket at its close timeout when the server never answers its close, reporting 1006", async function () {
    const { server, port } = await wsEchoServer();
    let peer: net.Socket | undefined;
    server.on("connection", (ws) => (peer = (ws as unknown as { _socket: net.Socket })._socket));
    const clock = manualClock();
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, { network: onClock(clock), closeTimeout: 200 });
    await until(() => client.state === "open" && peer !== undefined);
    peer!.pause(); // our close frame is never read, so never answered
    client.close(1000, "bye");
    clock.advance(199);
    assert.equal(client.state, "closing", "still waiting for the server's close");
    clock.advance(1);
    await until(() => client.state === "closed", 3000, "the drop");
    assert.deepEqual(rec.events, ["open ", "close 1006  unclean"]);
    await closeWs(server);
  });

  it("hands a message larger than any buffer over in pieces in streaming mode", async function () {
    const { server, port } = await wsEchoServer();
    const pieces: string[] = [];
    let total = 0;
    const { client } = ourClient(`ws://127.0.0.1:${port}/`, {
      streaming: true, maxMessage: 0, inputSize: 512,
      onPiece: (type, _data, start, end, offset, final) => {
        assert.equal(offset, total);
        total += end - start;
        if (final) pieces.push(`${type} ${total}`);
      },
    });
    await until(() => client.state === "open");
    client.send(new Uint8Array(300_000));
    await until(() => pieces.length === 1, 5000);
    assert.deepEqual(pieces, ["2 300000"]);
    client.close();
    await closeWs(server);
  });

  it("reports a client's abrupt reset as 1006 on the server, and forgets the client", async function () {
    const closes: string[] = [];
    const server = await ourEchoServer({ onConnection(client) { client.handler = { onClose: (code, _r, clean) => closes.push(`${code} ${clean}`) }; } });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`);
    await new Promise((r) => ws.once("open", r));
    await until(() => server.clients.size === 1);
    ws.terminate();
    await until(() => closes.length === 1 && server.clients.size === 0);
    assert.deepEqual(closes, ["1006 false"]);
    server.close();
  });

  it("pings every client with pingAll and hears their pongs", async function () {
    let pongs = 0;
    const server = await ourEchoServer({ onConnection(client) { client.handler = { onPong: () => pongs++ }; } });
    const clients = [0, 1].map(() => new WebSocket(`ws://127.0.0.1:${server.port}/`));
    await Promise.all(clients.map((ws) => new Promise((r) => ws.once("open", r))));
    server.pingAll();
    await until(() => pongs === 2);
    for (const ws of clients) ws.close();
    server.close();
  });
});
