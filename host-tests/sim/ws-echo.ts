// The peer for the simulator's round trip: a ws echo server on 127.0.0.1 that prints its port and
// stops by itself after a while, so a run that goes wrong cannot leave it behind.

import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
server.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
server.on("listening", () => console.log((server.address() as AddressInfo).port));
setTimeout(() => process.exit(0), Number(process.env.ECHO_LIFETIME ?? 120_000)).unref();
