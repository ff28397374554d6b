import assert from "node:assert/strict";
import type net from "node:net";
import WebSocket from "ws";
import { closeWs, ourClient, ourEchoServer, sleep, until, wsEchoServer } from "../support/net.js";

describe("Client and server lifecycle", function () {
  this.timeout(10_000);

  it("does not reconnect after a deliberate close, even with a reconnect policy", async function () {
    const { server, port } = await wsEchoServer();
    let reconnects = 0;
    const { client } = ourClient(`ws://127.0.0.1:${port}/`, { reconnect: { initialDelay: 10 }, onReconnect: () => reconnects++ });
    await until(() => client.state === "open");
    client.close();
    await until(() => client.state === "closed");
    await sleep(100);
    assert.equal(reconnects, 0);
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

  it("drops the socket when the server never answers its close, reporting 1006", async function () {
    const { server, port } = await wsEchoServer();
    server.on("connection", (ws) => setTimeout(() => (ws as unknown as { _socket: net.Socket })._socket.pause(), 30));
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, { closeTimeout: 200 });
    await until(() => client.state === "open");
    await sleep(60);
    const started = Date.now();
    client.close(1000, "bye");
    await until(() => client.state === "closed", 3000);
    assert.ok(Date.now() - started >= 150, "it waited for the close timeout");
    assert.ok(rec.events.includes("close 1006  unclean"), rec.events.join("; "));
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
