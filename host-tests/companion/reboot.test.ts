import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../support/net.js";
import { assertBootStored, companion, device, storedOfBoot, tokenFor } from "./helpers.js";

describe("Samples named by (device, boot, sequence)", function () {
  this.timeout(30_000);

  it("stores every sample of both boots when a device reboots mid-stream, and sums the drops per boot", async function () {
    const server = await companion();
    const first = device(server, "dev-reboot", { ringCapacity: 1000 });
    await until(() => storedOfBoot(server, first) >= 40, 10_000, "samples of the first boot");
    first.stop(); // a reboot: the new app draws a new boot id and counts from 0 again
    const acknowledged = first.ring.nextSequence - first.ring.size;
    const second = device(server, "dev-reboot", { ringCapacity: 1000 });
    assert.notEqual(second.ring.bootId, first.ring.bootId);
    await until(() => storedOfBoot(server, second) >= 40, 10_000, "samples of the second boot");
    second.stop();
    const kept = assertBootStored(server, "dev-reboot", first.ring.bootId);
    assert.ok(kept >= acknowledged, `${acknowledged} acknowledged, ${kept} stored`);
    assert.ok(assertBootStored(server, "dev-reboot", second.ring.bootId) >= 40);
    assert.equal(server.store.boot("dev-reboot", second.ring.bootId)[0].seq, 0, "the new boot's sequence 0 is stored, not taken for a duplicate");
    assert.equal(server.store.devices()[0].boots, 2);
    await server.stop();
  });

  it("keeps drops per boot and reports their sum", async function () {
    const server = await companion();
    const batch = (boot: number, dropped: number) => server.store.add({ deviceId: "d", channels: 1, bootId: boot, firstSequence: 0,
      dropped, timestamps: [1], readings: [[1]] }, Date.now());
    batch(1, 5);
    batch(1, 3); // an older batch of the same boot cannot lower its count
    batch(2, 2);
    assert.deepEqual(server.store.drops("d").map((d) => [d.boot, d.dropped]), [[1, 5], [2, 2]]);
    assert.equal(server.store.devices()[0].dropped, 7);
    await server.stop();
  });

  it("keeps the newest samples per device by count and by age, whatever their sequence numbers", async function () {
    const server = await companion({ retention: { maxSamples: 5, maxAgeMs: 60_000 } });
    const now = Date.now();
    const add = (device: string, boot: number, first: number, n: number, at: number) => server.store.add({ deviceId: device, channels: 1,
      bootId: boot, firstSequence: first, dropped: 0, timestamps: Array.from({ length: n }, (_, i) => at + i),
      readings: Array.from({ length: n }, (_, i) => [first + i]) }, at);
    add("a", 1, 100, 4, now - 120_000); // old: goes by age once newer samples arrive
    add("a", 2, 0, 3, now);
    assert.deepEqual(server.store.recent("a", 100).map((s) => [s.boot, s.seq]), [[2, 0], [2, 1], [2, 2]]);
    add("a", 2, 3, 4, now + 10);
    assert.deepEqual(server.store.recent("a", 100).map((s) => s.seq), [2, 3, 4, 5, 6], "the newest 5, the low sequences of the new boot kept");
    add("b", 1, 0, 2, now);
    assert.equal(server.store.recent("a", 100).length, 5, "another device's samples do not count against this one");
    await server.stop();
  });

  it("refuses a version 1 batch with close code 4002 and a reason", async function () {
    const server = await companion();
    const { WebSocket } = await import("ws");
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/device?device=old-1`, { headers: { Authorization: `Bearer ${tokenFor(server, "old-1")}` } });
    await new Promise((resolve) => ws.once("open", resolve));
    const v1 = new Uint8Array(22 + 5);
    v1.set([0x53, 1, 1, 5, ...Buffer.from("old-1")]);
    ws.send(v1);
    const [code, reason] = await new Promise<[number, string]>((resolve) => ws.once("close", (c, r) => resolve([c, r.toString()])));
    assert.equal(code, 4002);
    assert.match(reason, /^STREAM_BAD_VERSION/);
    await server.stop();
  });

  it("stores every sample exactly once across a server restart on the same database file", async function () {
    const dir = mkdtempSync(join(tmpdir(), "companion-"));
    const database = join(dir, "companion.db");
    try {
      let server = await companion({ database });
      const port = server.port;
      const app = device(server, "dev-restart", { ringCapacity: 5000 });
      await until(() => storedOfBoot(server, app) >= 30, 10_000, "samples before the restart");
      await server.stop(true); // killed: the device's connection drops without a close
      server = await companion({ database, port });
      const target = app.ring.nextSequence;
      await until(() => (server.store.boot("dev-restart", app.ring.bootId).at(-1)?.seq ?? -1) >= target, 10_000, "samples after the restart");
      app.stop();
      assert.ok(assertBootStored(server, "dev-restart", app.ring.bootId) > target);
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
