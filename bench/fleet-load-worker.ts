// One process of the fleet bench's load (fleet-load.ts forks several, so the simulated devices use
// more than one core and each process holds fewer sockets): it runs the devices its parent hands it,
// each the firmware's DeviceApp on this stack's host transport, a real WebSocket client over real
// TCP. It answers the parent's requests over IPC with the ack latencies and acked samples it saw.
// The time from a batch's send to its ack is read from the device's own ring: takeBatch marks when
// each batch's last sequence left, acknowledge when it came back.

import type { DeviceApp } from "../firmware/app/device-app.js";
import { simulatedDevice } from "../host/simulated-device.js";

export type ToWorker =
  | { type: "add"; url: string; devices: { id: string; token: string }[]; periodMs: number; batchSize: number }
  | { type: "reset" } | { type: "report" } | { type: "stop" };
export type FromWorker =
  | { type: "added"; count: number }
  | { type: "report"; connected: number; acked: number; latencies: number[] }
  | { type: "stopped" };

const apps: DeviceApp[] = [];
let latencies: number[] = [];
let acked = 0;

function measure(app: DeviceApp, batchSize: number): void {
  const sentAt = new Map<number, number>();
  const ring = app.ring;
  const take = ring.takeBatch.bind(ring), acknowledge = ring.acknowledge.bind(ring);
  ring.takeBatch = (deviceId, out, max) => {
    const n = take(deviceId, out, max);
    sentAt.set(ring.nextSequence - ring.unsent - 1, performance.now());
    return n;
  };
  ring.acknowledge = (seq) => {
    const at = sentAt.get(seq);
    if (at !== undefined) {
      latencies.push(performance.now() - at);
      acked += batchSize;
      sentAt.delete(seq);
    }
    acknowledge(seq);
  };
}

const send = (message: FromWorker) => process.send!(message);

process.on("message", (message: ToWorker) => {
  if (message.type === "add") {
    for (const { id, token } of message.devices) {
      const app = simulatedDevice({ url: `${message.url.replace(/^http/, "ws")}/device`, deviceId: id, token, periodMs: message.periodMs,
        batchSize: message.batchSize, ringCapacity: 600, reconnect: { initialDelay: 500, maxDelay: 5000 }, heartbeat: { interval: 600_000, timeout: 60_000 } });
      measure(app, message.batchSize);
      app.start();
      apps.push(app);
    }
    send({ type: "added", count: apps.length });
  } else if (message.type === "reset") {
    latencies = [];
    acked = 0;
  } else if (message.type === "report") {
    send({ type: "report", connected: apps.filter((a) => a.connected).length, acked, latencies });
  } else if (message.type === "stop") {
    for (const a of apps) a.stop();
    apps.length = 0;
    setTimeout(() => { send({ type: "stopped" }); process.exit(0); }, 500); // close frames leave first
  }
});
// the parent went away (a crash, Ctrl-C): no devices left streaming
process.on("disconnect", () => process.exit(0));
