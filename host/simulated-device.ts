// A simulated device: the firmware's DeviceApp with simulated sensors, on the host transport.

import { getHeapStatistics } from "node:v8";
import { DeviceApp, type DeviceSettings } from "../firmware/app/device-app.js";
import { DeviceFigures, SensorSet, SimulatedClimate } from "../firmware/app/sensors.js";
import type { Network } from "../firmware/websocket/io.js";
import { nodeNetwork } from "./network-node.js";
import { nodePlatform } from "./platform-node.js";

/** `network`: the host's sockets and timers, or a test's (its sockets with a manual clock's timers). */
export function simulatedDevice(settings: DeviceSettings, network: Network = nodeNetwork): DeviceApp {
  const uniform = () => nodePlatform.random32() / 0x100000000;
  const started = Date.now();
  const sensors = new SensorSet([
    new SimulatedClimate(uniform, Date.now),
    new DeviceFigures({
      // V8's own figure: process.memoryUsage() also reads the RSS from /proc, a third of a load process's time at 1,500 devices
      heap: () => getHeapStatistics().used_heap_size,
      rssi: () => Math.round(-55 + (uniform() - 0.5) * 6),
      uptime: () => Math.round((Date.now() - started) / 1000),
    }),
  ]);
  return new DeviceApp(settings, { network, platform: nodePlatform, sensors, now: Date.now });
}
