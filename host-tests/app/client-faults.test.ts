import assert from "node:assert/strict";
import { simulatedDevice } from "../../host/simulated-device.js";
import { companion } from "../companion/helpers.js";
import { FaultProxy } from "../support/fault-proxy.js";
import { sleep, until } from "../support/net.js";

const ID = "dev-faults";

describe("A device streaming through link faults", function () {
  this.timeout(60_000);

  it("loses and duplicates no sample through a reset mid-frame, a half-open link, refusals and a 500, and stops at a 401", async function () {
    const server = await companion({ pingInterval: 1000 });
    const proxy = new FaultProxy(server.port);
    await proxy.listen();
    const device = simulatedDevice({ url: `ws://127.0.0.1:${proxy.port}/device`, deviceId: ID, token: server.credentials.add(ID), periodMs: 10,
      batchSize: 8, ringCapacity: 5000, reconnect: { initialDelay: 50, maxDelay: 400 }, heartbeat: { interval: 150, timeout: 150 } });
    device.start();
    const lastStored = () => server.store.recent(ID, 1)[0]?.seq ?? -1;
    const streaming = async (what: string) => {
      const from = lastStored();
      await until(() => device.connected && lastStored() >= from + 16, 10_000, `samples stored ${what}`);
    };
    const reconnected = async (what: string, opens: number) => until(() => device.counts.opens > opens, 10_000, `a reconnection ${what}`);
    await streaming("at first");

    let opens = device.counts.opens;
    proxy.inject({ kind: "reset-mid-frame" });
    await reconnected("after a reset mid-frame", opens);
    assert.equal(proxy.resets, 1);
    await streaming("after the reset");

    opens = device.counts.opens;
    const silentAt = Date.now();
    proxy.inject({ kind: "silence" });
    await reconnected("after the link went silent", opens);
    const detectedMs = Date.now() - silentAt;
    // heartbeat 150 + 150 ms, then a backoff under 400 ms and a handshake: generous, as CI machines are busy
    assert.ok(detectedMs < 3000, `half-open link noticed after ${detectedMs} ms`);
    await streaming("after the half-open link");

    opens = device.counts.opens;
    const reconnects = device.counts.reconnects;
    proxy.refuse();
    proxy.dropAll();
    await sleep(800);
    assert.ok(device.counts.reconnects - reconnects >= 2, "retries while refused");
    await proxy.listen();
    await reconnected("once connections are taken again", opens);
    await streaming("after the refusals");

    proxy.inject({ kind: "answer", status: 500, body: "database unavailable" });
    proxy.dropAll();
    await until(() => proxy.answered === 1, 5000, "the 500");
    await streaming("after a 500: it retried");
    assert.equal(device.lastError, "WS_ERR_UNEXPECTED_STATUS 500");

    proxy.inject({ kind: "answer", status: 401, body: "token revoked" });
    proxy.dropAll();
    await until(() => proxy.answered === 2, 5000, "the 401");
    const attempts = proxy.attempts;
    await sleep(1000);
    assert.equal(proxy.attempts, attempts, "no retry after 401");
    assert.equal(device.connected, false);
    assert.equal(device.lastError, "WS_ERR_UNEXPECTED_STATUS 401");
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
