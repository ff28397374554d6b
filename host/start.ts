// npm start: the companion server, and simulated devices that run the firmware's app on the host
// transport. --server-only runs the server alone, for real boards. Stops with Ctrl-C.
//
//   PORT (8080), COMPANION_DB (data/companion.db), COMPANION_TOKENS (comma-separated; "dev-token"),
//   COMPANION_RETENTION (100000 samples kept per device), DEVICES (3): simulated devices to start.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { CompanionServer } from "./companion/companion-server.js";
import { dashboardRoutes } from "./companion/dashboard.js";
import { simulatedDevice } from "./simulated-device.js";

const port = Number(process.env.PORT ?? 8080);
const database = process.env.COMPANION_DB ?? "data/companion.db";
const tokens = (process.env.COMPANION_TOKENS ?? "dev-token").split(",").map((t) => t.trim()).filter(Boolean);
if (database !== ":memory:") mkdirSync(dirname(database), { recursive: true });

const retention = { maxSamples: Number(process.env.COMPANION_RETENTION ?? 100_000) };
const server = new CompanionServer({ port, database, tokens, retention, extraRoutes: dashboardRoutes });
await server.start();
console.log(`dashboard: http://127.0.0.1:${server.port}/  (devices connect to ws://<this host>:${server.port}/device?device=ID)`);
console.log(`  API: GET /api/devices, GET /api/devices/ID/samples?limit=N, POST /api/devices/ID/commands {"cmd", "args"}`);

const devices = process.argv.includes("--server-only") ? [] : Array.from({ length: Number(process.env.DEVICES ?? 3) }, (_, i) =>
  simulatedDevice({ url: `ws://127.0.0.1:${server.port}/device`, deviceId: `sim-${i + 1}`, token: tokens[0],
    periodMs: 1000, batchSize: 5, ringCapacity: 3600 }));
for (const device of devices) device.start();
if (devices.length) console.log(`  ${devices.length} simulated devices streaming: ${devices.map((d) => d.settings.deviceId).join(", ")}`);

const stop = async () => {
  for (const device of devices) device.stop();
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
