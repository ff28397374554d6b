// The SQLite store's group commit (what DeviceLinks writes with): the batches that arrive in one turn
// of the event loop, from many devices, are one transaction, with the semantics of one at a time.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Batch } from "../../firmware/app/stream-format.js";
import { SampleStore } from "../../host/companion/store.js";

const batch = (device: string, boot: number, first: number, n: number): Batch => ({
  deviceId: device, channels: 1, bootId: boot, firstSequence: first, dropped: 0,
  timestamps: Array.from({ length: n }, (_, i) => first + i), readings: Array.from({ length: n }, (_, i) => [first + i]),
});

describe("The SQLite store's group commit", function () {
  let dir: string;
  let store: SampleStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "group-commit-"));
    store = new SampleStore(join(dir, "c.db"), { maxSamples: 4 });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the batches of 100 devices that arrive in one turn in one transaction, each stored once and settled after it", async function () {
    const pending = Array.from({ length: 100 }, (_, d) => store.addGrouped(batch(`d-${d}`, 1, 0, 3), Date.now()));
    assert.equal(store.boot("d-0", 1).length, 0, "nothing written before the turn ends");
    const results = await Promise.all(pending);
    assert.deepEqual(new Set(results.map((r) => `${r.added}/${r.duplicates}`)), new Set(["3/0"]));
    assert.deepEqual(store.groupStats, { writes: 1, items: 100, largest: 100 });
    assert.deepEqual(store.boot("d-99", 1).map((s) => s.seq), [0, 1, 2]);
  });

  it("counts resent samples as duplicates and keeps each device's newest (retention 4), a device's second batch in the next transaction", async function () {
    const [a, b] = await Promise.all([store.addGrouped(batch("x", 1, 0, 3), Date.now()), store.addGrouped(batch("x", 1, 1, 4), Date.now())]);
    assert.deepEqual([a, b], [{ added: 3, duplicates: 0 }, { added: 2, duplicates: 2 }]);
    assert.equal(store.groupStats.writes, 2);
    assert.deepEqual(store.boot("x", 1).map((s) => s.seq), [1, 2, 3, 4]);
  });

  it("fails every batch of a transaction that fails, and none of them is stored", async function () {
    store.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON samples WHEN NEW.device = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const outcomes = await Promise.allSettled([store.addGrouped(batch("good", 1, 0, 1), Date.now()), store.addGrouped(batch("bad", 1, 0, 1), Date.now())]);
    assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "rejected"]);
    assert.equal(store.boot("good", 1).length, 0, "rolled back with the rest of its transaction");
  });
});
