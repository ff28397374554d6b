// The peer for the simulator's round trip: a ws echo server on 127.0.0.1 at the port given (0: any),
// which prints its port once listening and stops by itself after ECHO_LIFETIME ms, so a run that goes
// wrong cannot leave it behind. sim-test.sh starts it after the app is built and stops it by pid.

import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: Number(process.argv[2] ?? 0) });
server.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
server.on("listening", () => console.log((server.address() as AddressInfo).port));
server.on("error", (e) => { console.error(`ws-echo: ${e.message}`); process.exit(1); });
setTimeout(() => process.exit(0), Number(process.env.ECHO_LIFETIME ?? 120_000)).unref();
