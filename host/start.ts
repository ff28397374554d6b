// npm start: the companion server, and simulated devices that run the firmware's app on the host
// transport, each with a credential minted for this run. --server-only runs the server alone, for
// real boards. Stops with Ctrl-C. Settings (host/companion/settings.ts, README):
//
//   PORT (8080), HOST (127.0.0.1), COMPANION_DB (data/companion.db), COMPANION_OPERATOR_TOKEN (unset:
//   development mode, loopback only), COMPANION_RETENTION (100000 samples per device),
//   COMPANION_RETENTION_DAYS (0: no age limit), COMPANION_PING_SECONDS (10), COMPANION_TLS_CERT and
//   COMPANION_TLS_KEY (PEM files: https and wss), LOG_LEVEL (warn), DEVICES (3).

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { CompanionServer, ServerSettingsError } from "./companion/companion-server.js";
import { banner, readSettings, SettingsError } from "./companion/settings.js";
import { simulatedDevice } from "./simulated-device.js";

const serverOnly = process.argv.includes("--server-only");
let server: CompanionServer;
let settings: ReturnType<typeof readSettings>;
try {
  settings = readSettings(process.env);
  if (settings.server.database !== ":memory:") mkdirSync(dirname(settings.server.database), { recursive: true });
  server = new CompanionServer(settings.server);
  await server.start();
} catch (e) {
  const error = e as NodeJS.ErrnoException;
  if (e instanceof SettingsError || e instanceof ServerSettingsError) console.error(`npm start: ${e.code}: ${e.message}`);
  else if (error.code === "EADDRINUSE") console.error(`npm start: EADDRINUSE: port ${process.env.PORT ?? 8080} is in use: stop what holds it, or set PORT=<another port>`);
  else if (error.code === "EADDRNOTAVAIL") console.error(`npm start: EADDRNOTAVAIL: HOST=${process.env.HOST} is not an address of this computer`);
  else console.error(`npm start: ${error.code ?? "FAILED"}: ${error.message}`);
  process.exit(2);
}
for (const line of banner(settings.server, server.port, serverOnly)) console.log(line);

const scheme = settings.server.tls ? "wss" : "ws";
const devices = serverOnly ? [] : Array.from({ length: settings.devices }, (_, i) => {
  const deviceId = `sim-${i + 1}`;
  return simulatedDevice({ url: `${scheme}://127.0.0.1:${server.port}/device`, deviceId, token: server.credentials.add(deviceId),
    periodMs: 1000, batchSize: 1, ringCapacity: 3600, tls: settings.server.tls ? { ca: settings.server.tls.cert } : undefined });
});
for (const device of devices) device.start();
if (devices.length) console.log(`  ${devices.length} simulated devices streaming: ${devices.map((d) => d.settings.deviceId).join(", ")}`);

const stop = async () => {
  for (const device of devices) device.stop();
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
