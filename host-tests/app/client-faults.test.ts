import assert from "node:assert/strict";
import { manualClock } from "../../fixtures/manual-clock.js";
import { simulatedDevice } from "../../host/simulated-device.js";
import { companion } from "../companion/helpers.js";
import { FaultProxy } from "../support/fault-proxy.js";
import { onClock, until } from "../support/net.js";

const ID = "dev-faults";

describe("A device streaming through link faults", function () {
  this.timeout(60_000);

  it("loses and duplicates no sample through a reset mid-frame, a half-open link, refusals and a 500, and stops at a 401", async function () {
    const server = await companion({ pingInterval: 1000 });
    const proxy = new FaultProxy(server.port);
    await proxy.listen();
    // the device samples, beats and backs off on this clock; every poll of a wait below moves it one 10 ms period
    const clock = manualClock();
    const ticking = (check: () => boolean) => () => { clock.advance(10); return check(); };
    const device = simulatedDevice({ url: `ws://127.0.0.1:${proxy.port}/device`, deviceId: ID, token: server.credentials.add(ID), periodMs: 10,
      batchSize: 8, ringCapacity: 5000, reconnect: { initialDelay: 50, maxDelay: 400 }, heartbeat: { interval: 150, timeout: 150 } },
    onClock(clock));
    device.start();
    const lastStored = () => server.store.recent(ID, 1)[0]?.seq ?? -1;
    const streaming = async (what: string) => {
      const from = lastStored();
      await until(ticking(() => device.connected && lastStored() >= from + 16), 10_000, `samples stored ${what}`);
    };
    const reconnected = async (what: string, opens: number) =>
      until(ticking(() => device.counts.opens > opens), 10_000, `a reconnection ${what}`);
    await streaming("at first");

    let opens = device.counts.opens;
    proxy.inject({ kind: "reset-mid-frame" });
    await reconnected("after a reset mid-frame", opens);
    assert.equal(proxy.resets, 1);
    await streaming("after the reset");

    opens = device.counts.opens;
    const silentAt = clock.now;
    proxy.inject({ kind: "silence" });
    await until(ticking(() => !device.connected), 10_000, "the heartbeat to notice the silent link");
    // the device's own time: a ping answered just before the silence, then a ping unanswered for its
    // 150 ms. The clock moves 10 ms per poll while real bytes travel, so bytes sent before the silence may
    // land a few ticks into it and count as life for one more round (360 ms seen on a loaded machine):
    // the bound is two rounds, far below anything but the heartbeat (TCP would take minutes)
    const detectedMs = clock.now - silentAt;
    assert.ok(detectedMs <= 2 * (150 + 150) + 10, `half-open link noticed after ${detectedMs} ms of the device's time`);
    await reconnected("after the link went silent", opens);
    await streaming("after the half-open link");

    opens = device.counts.opens;
    const reconnects = device.counts.reconnects;
    proxy.refuse();
    proxy.dropAll();
    await until(ticking(() => device.counts.reconnects - reconnects >= 3), 10_000, "retries while refused");
    await proxy.listen();
    await reconnected("once connections are taken again", opens);
    await streaming("after the refusals");

    proxy.inject({ kind: "answer", status: 500, body: "database unavailable" });
    proxy.dropAll();
    await until(ticking(() => proxy.answered === 1), 5000, "the 500");
    await streaming("after a 500: it retried");
    assert.equal(device.lastError, "WS_ERR_UNEXPECTED_STATUS 500");

    const beforeDrop = device.counts.reconnects;
    proxy.inject({ kind: "answer", status: 401, body: "token revoked" });
    proxy.dropAll();
    await until(ticking(() => device.lastError === "WS_ERR_UNEXPECTED_STATUS 401"), 5000, "the 401");
    assert.equal(proxy.answered, 2);
    clock.advance(1000); // more than twice the longest backoff: a retry would have started
    assert.equal(device.counts.reconnects, beforeDrop + 1, "one reconnection after the drop, none after the 401");
    assert.equal(device.connected, false);
    device.stop();

    // every sequence taken is stored exactly once, or still held by the device for later; none dropped
    const seqs = server.store.recent(ID, 100_000).map((s) => s.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i), "stored: gaps or duplicates");
    const firstHeld = device.ring.nextSequence - device.ring.size;
    assert.ok(firstHeld <= seqs.length, `samples ${seqs.length}..${firstHeld - 1} are neither stored nor held`);
    assert.equal(device.ring.dropped, 0);
    // a resent sample the server already had is counted as a duplicate, not stored again
    assert.equal(server.stats.samples, seqs.length);
    proxy.close();
    await server.stop();
  });
});
