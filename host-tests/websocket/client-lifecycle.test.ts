import assert from "node:assert/strict";
import type net from "node:net";
import WebSocket from "ws";
import type { ClientOptions } from "../../firmware/websocket/client.js";
import { manualClock } from "../../fixtures/manual-clock.js";
import { closeWs, onClock, ourClient, ourEchoServer, sleep, until, wsEchoServer } from "../support/net.js";

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

  it("stops reconnecting when the app closes from onReconnect: no attempt follows", async function () {
    const { server, port } = await wsEchoServer();
    const clock = manualClock();
    let reconnects = 0;
    let connections = 0;
    server.on("connection", (ws) => { connections++; ws.terminate(); }); // every attempt dropped at once
    const { client } = ourClient(`ws://127.0.0.1:${port}/`, {
      network: onClock(clock), reconnect: { initialDelay: 10 }, onReconnect: () => { reconnects++; client.close(); },
    });
    await until(() => reconnects === 1);
    clock.advance(100); // past the backoff (at most 10 ms), not the connect timeout: an attempt would stand
    await sleep(200); // and would reach the server meanwhile
    assert.deepEqual([client.state, reconnects, connections, clock.pending], ["closed", 1, 1, 0]);
    await closeWs(server);
  });

  it("refuses a close code no peer may receive with WS_ERR_INVALID_CLOSE_CODE and changes nothing: the heartbeat goes on", async function () {
    const { server, port } = await wsEchoServer();
    const clock = manualClock();
    const { client } = ourClient(`ws://127.0.0.1:${port}/`, { network: onClock(clock), heartbeat: { interval: 1000, timeout: 500 } });
    await until(() => client.state === "open");
    clock.advance(1000); // a heartbeat ping: its deadline pending
    assert.throws(() => client.close(999), (e: unknown) => (e as { code?: string }).code === "WS_ERR_INVALID_CLOSE_CODE");
    assert.equal(client.state, "open");
    assert.ok(clock.pending > 0, "the ping's deadline still pending");
    assert.equal(client.send("still here"), true);
    client.close();
    await until(() => client.state === "closed");
    await closeWs(server);
  });

  it("talks as a client whatever role, random, natives or timers an app's options object also carries", async function () {
    const { server, port } = await wsEchoServer(); // ws closes with 1002 on an unmasked frame from a client
    const stray = { role: "server", random: 1, natives: {}, timers: null } as unknown as Partial<ClientOptions>;
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, stray);
    await until(() => client.state === "open");
    client.send("masked");
    await until(() => rec.messages.length === 1);
    assert.equal(Buffer.from(rec.messages[0].data).toString(), "masked");
    client.close();
    await until(() => client.state === "closed");
    assert.deepEqual(rec.events, ["open ", "close 1000  clean"]);
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
