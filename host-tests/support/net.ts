// Helpers for tests over real TCP on 127.0.0.1: bounded waits, and echo peers.

import type { AddressInfo } from "node:net";
import { WebSocketServer as WsServer } from "ws";
import { WebSocketClient, type ClientOptions } from "../../firmware/websocket/client.js";
import { WebSocketServer, type ServerOptions } from "../../firmware/websocket/server.js";
import { nodeNetwork } from "../../host/network-node.js";
import type { NodeListener } from "../../host/node-tcp.js";
import { nodePlatform } from "../../host/platform-node.js";
import { OPCODE_TEXT } from "../../firmware/websocket/server.js";
import type { Network } from "../../firmware/websocket/io.js";
import type { ManualClock } from "../../fixtures/manual-clock.js";

/** Polls until `check` holds; fails after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Real sockets on 127.0.0.1 with the stack's timers on `clock`: its heartbeat, reconnect backoff and
 * close or handshake timeouts fire when the test advances the clock, while the peer's I/O is real.
 */
export function onClock(clock: ManualClock): Network {
  return { ...nodeNetwork, timers: clock.timers };
}

/** A ws server on a free port of 127.0.0.1 that echoes every message with its type. */
export async function wsEchoServer(options: ConstructorParameters<typeof WsServer>[0] = {}): Promise<{ server: WsServer; port: number }> {
  const server = new WsServer({ host: "127.0.0.1", port: 0, maxPayload: 8 << 20, ...options });
  server.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
  await new Promise((r) => server.once("listening", r));
  return { server, port: (server.address() as AddressInfo).port };
}

export function closeWs(server: WsServer): Promise<void> {
  for (const c of server.clients) c.terminate();
  return new Promise((r) => server.close(() => r()));
}

/** Everything our client reported, as lines, plus the messages' bytes. */
export interface Recorder {
  events: string[];
  messages: { type: number; data: Uint8Array }[];
}

export function ourClient(url: string, extra: Partial<ClientOptions> = {}): { client: WebSocketClient; rec: Recorder } {
  const rec: Recorder = { events: [], messages: [] };
  const client = new WebSocketClient({
    url, network: nodeNetwork, platform: nodePlatform, reconnect: false, maxMessage: 2 << 20,
    onOpen: (p) => rec.events.push(`open ${p}`),
    onMessage: (type, data, length) => rec.messages.push({ type, data: data.slice(0, length) }),
    onPong: (data, start, end) => rec.events.push(`pong ${Buffer.from(data.subarray(start, end)).toString()}`),
    onClose: (code, reason, clean) => rec.events.push(`close ${code} ${reason} ${clean ? "clean" : "unclean"}`),
    onError: (p) => rec.events.push(`error ${p.code} ${p.status}`),
    ...extra,
  });
  return { client, rec };
}

/** Our server echoing every message with its type. */
export async function ourEchoServer(extra: Partial<ServerOptions> = {}): Promise<WebSocketServer> {
  const server = new WebSocketServer({
    port: 0, network: nodeNetwork, platform: nodePlatform, maxMessage: 2 << 20,
    onConnection(client) {
      client.handler = {
        onMessage(type, data, length) { client.send(type === OPCODE_TEXT ? Buffer.from(data.subarray(0, length)).toString() : data.slice(0, length)); },
      };
    },
    ...extra,
  });
  await (server.listener as NodeListener).ready();
  return server;
}
