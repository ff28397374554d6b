// Under XS, with BENCH_PROFILE=1: where the whole path's steps go. Wraps the path's methods with
// inclusive step counters (the fake's bracketed cost taken off) and prints, per cell, calls per
// message and steps per call. The wrappers add some steps of their own to the outer methods.

import "./shims/globals.js";
import { Connection } from "../../firmware/websocket/core/connection.js";
import { Receiver } from "../../firmware/websocket/core/receiver.js";
import { FrameSender } from "../../firmware/websocket/core/sender.js";
import { Session } from "../../firmware/websocket/session.js";
import { calibrateDriver, payload, perPass, receiveCell, type Segmenting, segmentsFor, sendCell, textOf } from "./cells.js";
import { FakeSocket } from "./fake-socket.js";
import { acceptOnServer, openClient, startServer } from "./ours.js";
import { calibrate, fake } from "./probe.js";

const stats = new Map<string, { calls: number; steps: number }>();

function count(proto: object, name: string, label: string): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  target[name] = function (this: unknown, ...args: unknown[]) {
    const f0 = fake.steps;
    const m = meter();
    try {
      return original.apply(this, args);
    } finally {
      const s = stats.get(label) ?? { calls: 0, steps: 0 };
      s.calls++;
      s.steps += meter() - m - (fake.steps - f0);
      stats.set(label, s);
    }
  };
}

calibrate();
const driver = calibrateDriver();
const server = startServer();
const endpoints = { client: openClient(new FakeSocket()).endpoint, server: acceptOnServer(server, new FakeSocket()) };
count(Session.prototype, "readable", "Session.readable");
count(Session.prototype, "writable", "Session.writable");
count(Session.prototype, "send", "Session.send");
count(Receiver.prototype, "receive", "Connection.receive");
count(Connection.prototype, "send", "Connection.send");
count(FrameSender.prototype, "encodeNext", "encodeNext");

const cells: ["receive" | "send", "text" | "binary", number, Segmenting?][] = [
  ["receive", "binary", 16, 1460], ["receive", "binary", 16, "frame"], ["receive", "binary", 1024, 1460],
  ["receive", "text", 1024, 1460], ["receive", "binary", 65536, 1460],
  ["send", "binary", 16], ["send", "binary", 1024], ["send", "text", 1024], ["send", "binary", 65536],
];
const lines: string[] = [];
for (const [dir, type, size, cut] of cells) {
  for (const role of ["client", "server"] as const) {
    stats.clear();
    const e = endpoints[role];
    let messages: number;
    if (dir === "receive") {
      receiveCell(e, segmentsFor(e, type, size, cut ?? 1460), perPass(size), driver);
      messages = 4 * perPass(size); // the warm pass, one, then two
    } else {
      const header = size < 126 ? 2 : size < 65536 ? 4 : 10;
      sendCell(e, type === "text" ? textOf(size) : payload("binary", size), header + (role === "client" ? 4 : 0) + size, driver);
      messages = size > 4096 ? 1 : 4;
    }
    const parts: string[] = [];
    for (const [label, s] of stats) parts.push(`${label} ${(s.calls / messages).toFixed(2)} x ${Math.round(s.steps / s.calls)}`);
    lines.push(`${dir} ${type} ${size} B${cut === undefined ? "" : cut === "frame" ? " whole frames" : ` in ${cut} B`} (${role}): ${parts.join(", ")}`);
  }
}
print("RESULT " + JSON.stringify(lines));
