// Companion servers and simulated devices for the companion's tests, and the check that every
// sample of every boot is stored exactly once (or was counted as dropped, or is still held).

import assert from "node:assert/strict";
import type { DeviceApp, DeviceSettings } from "../../firmware/app/device-app.js";
import { CompanionServer, type CompanionOptions } from "../../host/companion/companion-server.js";
import { simulatedDevice } from "../../host/simulated-device.js";

export async function companion(options: Partial<CompanionOptions> = {}): Promise<CompanionServer> {
  const server = new CompanionServer({ port: 0, database: ":memory:", pingInterval: 1000, dashboard: false, ...options });
  await server.start();
  return server;
}

/** A device's token: one minted by the server the first time, the same one after. */
const tokens = new Map<string, string>();
export function tokenFor(server: CompanionServer, id: string): string {
  if (!tokens.has(id) || !server.credentials.check(id, tokens.get(id)!)) tokens.set(id, server.credentials.add(id));
  return tokens.get(id)!;
}

/** A simulated device with its own credential, started. */
export function device(server: CompanionServer, id: string, extra: Partial<DeviceSettings> = {}): DeviceApp {
  const app = simulatedDevice({ url: `ws://127.0.0.1:${server.port}/device`, deviceId: id, token: tokenFor(server, id), periodMs: 10,
    batchSize: 8, ringCapacity: 1000, reconnect: { initialDelay: 50, maxDelay: 300 }, ...extra });
  app.start();
  return app;
}

/**
 * One boot of a device as the server stored it: sequences 0..n-1, none twice, and none missing
 * beyond what the device counted as dropped. Returns how many are stored.
 */
export function assertBootStored(server: CompanionServer, id: string, boot: number, dropped = 0): number {
  const seqs = server.store.boot(id, boot).map((s) => s.seq);
  assert.equal(new Set(seqs).size, seqs.length, `${id} boot ${boot}: a sample stored twice`);
  const last = seqs.length === 0 ? -1 : seqs[seqs.length - 1];
  const missing = last + 1 - seqs.length;
  assert.ok(missing <= dropped, `${id} boot ${boot}: ${missing} samples missing, ${dropped} counted as dropped`);
  return seqs.length;
}

/** Waits until the server stored at least `n` samples of the device's current boot. */
export function storedOfBoot(server: CompanionServer, app: DeviceApp): number {
  return server.store.boot(app.settings.deviceId, app.ring.bootId).length;
}
