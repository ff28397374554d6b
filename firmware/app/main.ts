// The device app's entry point on a board or in the simulator: settings from mc/config, sensors,
// the LED, and the device's own figures, handed to DeviceApp. The only module of the app that
// imports device-only modules.
/// <reference path="./types/sht3x.d.ts" />

import Humidity from "embedded:sensor/Humidity-Temperature/SHT3x";
import Instrumentation from "instrumentation";
import config from "mc/config";
import Net from "net";
import Time from "time";
import { deviceNetwork } from "../websocket/device.js";
import { devicePlatform } from "../websocket/platform-device.js";
import { DeviceApp } from "./device-app.js";
import { DeviceFigures, I2cClimate, type Sensor, SensorSet, SimulatedClimate } from "./sensors.js";

declare function trace(text: string): void;

/** ECMA-419's host provider: I/O classes and default buses, where the platform has them (not the simulator). */
interface DigitalPin { write(value: number): void }
const host = (globalThis as unknown as { device?: { io?: { Digital?: new (o: Record<string, unknown>) => DigitalPin }; I2C?: { default?: Record<string, unknown> } } }).device;

const settings = config as Record<string, unknown>;
const text = (key: string, fallback: string) => (typeof settings[key] === "string" && settings[key] !== "" ? settings[key] as string : fallback);
const number = (key: string, fallback: number) => (Number.isFinite(Number(settings[key])) && settings[key] !== "" ? Number(settings[key]) : fallback);
const uniform = () => devicePlatform.random32() / 0x100000000;
const freeMemory = Instrumentation.map("System Free Memory");

function climate(): Sensor {
  if (text("sensor", "simulated") === "sht3x") {
    try {
      if (host?.I2C?.default === undefined) throw new Error("no default I2C bus");
      return new I2cClimate(new Humidity({ sensor: host.I2C.default }));
    } catch (e) {
      trace(`SHT3x not available (${(e as Error).message}): using simulated readings\n`);
    }
  }
  return new SimulatedClimate(uniform, () => Time.ticks);
}

let led: DigitalPin | undefined;
const pin = number("led", -1);
if (pin >= 0) {
  try {
    const Digital = host?.io?.Digital;
    if (Digital === undefined) throw new Error("no digital I/O");
    led = new Digital({ pin, mode: (Digital as unknown as { Output: number }).Output });
  } catch {
    trace(`no LED on pin ${pin}: set-output only reports\n`);
  }
}

const sensors = new SensorSet([climate(), new DeviceFigures({
  heap: () => (freeMemory === undefined ? NaN : Instrumentation.get(freeMemory) ?? NaN),
  rssi: () => { try { return Net.get("RSSI") ?? NaN; } catch { return NaN; } },
  uptime: () => Math.round(Time.ticks / 1000),
})]);

const app = new DeviceApp({
  url: text("url", "ws://127.0.0.1:8080/device"), deviceId: text("device", "esp32-1"), token: text("token", ""),
  periodMs: number("period", 1000), batchSize: number("batch", 10), ringCapacity: number("ring", 600),
  bufferSize: number("buffer", 1460),
}, {
  network: deviceNetwork(text("dns", "1.1.1.1,8.8.8.8").split(",")), platform: devicePlatform, sensors,
  now: () => Date.now(), output: (value) => led?.write(value),
});
app.start();
trace(`streaming ${sensors.channels.join(", ")} to ${app.settings.url} as ${app.settings.deviceId}, boot ${app.ring.bootId}\n`);
