// Echo round trips over TCP on 127.0.0.1 for the four pairings of our stack and ws, in one run:
// one message in flight at a time, 64 B and 16 KiB, through the device-like host transport.

import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer as WsServer } from "ws";
import { WebSocketClient } from "../firmware/websocket/client.js";
import { WebSocketServer } from "../firmware/websocket/server.js";
import { nodeNetwork } from "../host/network-node.js";
import type { NodeListener } from "../host/node-tcp.js";
import { nodePlatform } from "../host/platform-node.js";

export interface EchoFigure { pairing: string; size: number; roundTrips: number; mibPerSecond: number }

const BUFFERS = { inputSize: 1460, outputSize: 1460, maxMessage: 65536, maxQueue: 1 << 20 };

async function ourServer(): Promise<{ port: number; close(): void }> {
  const server = new WebSocketServer({
    port: 0, network: nodeNetwork, platform: nodePlatform, ...BUFFERS,
    onConnection(client) { client.handler = { onMessage(_t, data, length) { client.send(data.subarray(0, length)); } }; },
  });
  await (server.listener as NodeListener).ready();
  return { port: server.port, close: () => server.close() };
}

async function wsServer(): Promise<{ port: number; close(): void }> {
  const server = new WsServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
  await new Promise((r) => server.once("listening", r));
  return { port: (server.address() as AddressInfo).port, close: () => { for (const c of server.clients) c.terminate(); server.close(); } };
}

/** Round trips per second for `ms`, one message in flight. */
function ourClientRun(port: number, size: number, ms: number): Promise<number> {
  return new Promise((resolve) => {
    const data = new Uint8Array(size).fill(1);
    let count = 0;
    let started = 0;
    const client: WebSocketClient = new WebSocketClient({
      url: `ws://127.0.0.1:${port}/`, network: nodeNetwork, platform: nodePlatform, reconnect: false, ...BUFFERS,
      onOpen: () => { started = performance.now(); client.send(data); },
      onMessage: () => {
        count++;
        const elapsed = performance.now() - started;
        if (elapsed < ms) client.send(data);
        else { client.close(); resolve((count * 1000) / elapsed); }
      },
    });
  });
}

function wsClientRun(port: number, size: number, ms: number): Promise<number> {
  return new Promise((resolve) => {
    const data = Buffer.alloc(size, 1);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    let count = 0;
    let started = 0;
    ws.on("open", () => { started = performance.now(); ws.send(data); });
    ws.on("message", () => {
      count++;
      const elapsed = performance.now() - started;
      if (elapsed < ms) ws.send(data);
      else { ws.close(); resolve((count * 1000) / elapsed); }
    });
  });
}

export async function echoFigures(ms = 1500): Promise<EchoFigure[]> {
  const ours = await ourServer();
  const theirs = await wsServer();
  const figures: EchoFigure[] = [];
  for (const size of [64, 16384]) {
    const runs: [string, () => Promise<number>][] = [
      ["our client -> our server", () => ourClientRun(ours.port, size, ms)],
      ["our client -> ws server", () => ourClientRun(theirs.port, size, ms)],
      ["ws client -> our server", () => wsClientRun(ours.port, size, ms)],
      ["ws client -> ws server", () => wsClientRun(theirs.port, size, ms)],
    ];
    for (const [pairing, run] of runs) {
      await run(); // warm-up: JIT and connection setup are not what is measured
      const roundTrips = await run();
      figures.push({ pairing, size, roundTrips, mibPerSecond: (roundTrips * size) / 1048576 });
    }
  }
  ours.close();
  theirs.close();
  return figures;
}
