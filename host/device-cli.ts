// Runs one simulated device on the host with the settings a board reads from mc/config, taken from a
// JSON file and/or the command line (the command line wins):
//
//   node build/host/device-cli.js [--config device.json] [--url ws://...] [--device ID] --token T
//
// The token is the device's own, from `npm run device -- add ID` (there is no shared token).
//     [--period ms] [--batch n] [--ring n] [--buffer bytes]

import { readFileSync } from "node:fs";
import type { DeviceSettings } from "../firmware/app/device-app.js";
import { flag } from "./args.js";
import { simulatedDevice } from "./simulated-device.js";

/** Settings from a config object (mc/config's keys) and flags; throws TypeError on a bad value. */
export function deviceSettings(file: Record<string, unknown>, args: string[]): DeviceSettings {
  const get = (key: string, fallback: string) => flag(args, key) ?? (file[key] === undefined ? fallback : String(file[key]));
  const count = (key: string, fallback: number, min: number, max: number) => {
    const value = Number(get(key, String(fallback)));
    if (!Number.isInteger(value) || value < min || value > max) throw new TypeError(`${key} must be a whole number from ${min} to ${max}`);
    return value;
  };
  if (get("token", "") === "") throw new TypeError("token is needed: npm run device -- add ID mints one");
  return {
    url: get("url", "ws://127.0.0.1:8080/device"), deviceId: get("device", "host-1"), token: get("token", ""),
    periodMs: count("period", 1000, 100, 3_600_000), batchSize: count("batch", 10, 1, 1000),
    ringCapacity: count("ring", 600, 1, 1_000_000), bufferSize: count("buffer", 1460, 139, 65536),
  };
}

if (process.argv[1]?.endsWith("device-cli.js")) {
  const args = process.argv.slice(2);
  const path = flag(args, "config");
  try {
    const settings = deviceSettings(path ? JSON.parse(readFileSync(path, "utf8")) : {}, args);
    const device = simulatedDevice(settings);
    device.start();
    console.log(`device ${settings.deviceId} streaming to ${settings.url} every ${settings.periodMs} ms`);
    process.on("SIGINT", () => { device.stop(); setTimeout(() => process.exit(0), 200); });
  } catch (e) {
    console.error(`device-cli: ${(e as Error).message}`);
    process.exit(2);
  }
}
