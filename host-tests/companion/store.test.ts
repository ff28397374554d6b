// The SQLite store (the default for one machine): retention by count keeps each device's newest
// samples without searching for the cut in every batch, and each device's count of stored samples is
// kept with every batch, not counted row by row when the devices are listed.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SampleStore } from "../../host/companion/store.js";
import type { Retention } from "../../host/companion/store-types.js";
import { checkPagesMatchRange, checkPagesOfOneTime, checkPagesSnapshot } from "./pages-check.js";
import { checkBootTotals, checkCountsWithAge, checkRemovedCount, checkRetentionSteps, listedCount } from "./retention-steps.js";

/** A store in memory for one test, closed after it. */
async function withStore(retention: Retention, use: (store: SampleStore) => Promise<void>): Promise<void> {
  const store = new SampleStore(":memory:", retention);
  try {
    await use(store);
  } finally {
    store.close();
  }
}

describe("The SQLite store's retention and counts", function () {
  it("cuts a device back to its newest 300 in a batch that passes a step of 3 or starts a boot, and holds at most 302 between", async function () {
    await withStore({ maxSamples: 300 }, async (store) => {
      const { over } = await checkRetentionSteps(store, "steps", 300);
      assert.equal(over, 50, "batches after which it held more than 300: a third of those past 300 (the cut is not searched for in every batch)");
    });
  });

  it("keeps each device's listed count equal to its rows through duplicates, cuts by age and count of the same rows, and a removal, and its boots and drops through reboots", async function () {
    await withStore({ maxSamples: 300, maxAgeMs: 60_000 }, async (store) => {
      await checkCountsWithAge(store, "aged", 60_000);
      await checkRemovedCount(store, "removed");
      await checkBootTotals(store, "rebooting");
    });
  });

  it("counts the rows of a file an older version wrote when it opens one (schemas 3 and 4 keep the totals)", async function () {
    const dir = mkdtempSync(join(tmpdir(), "store-v2-"));
    try {
      const file = join(dir, "s.db");
      const first = new SampleStore(file, {});
      first.add({ deviceId: "a", channels: 1, bootId: 1, firstSequence: 0, dropped: 0, timestamps: [1, 2, 3], readings: [[1], [2], [3]] }, 1);
      first.add({ deviceId: "b", channels: 1, bootId: 1, firstSequence: 0, dropped: 0, timestamps: [1, 2], readings: [[1], [2]] }, 1);
      for (const column of ["stored", "boot_count", "dropped_sum"]) first.db.exec(`ALTER TABLE devices DROP COLUMN ${column}`);
      first.db.pragma("user_version = 2");
      first.close();
      const again = new SampleStore(file, {});
      try {
        assert.equal(again.db.pragma("user_version", { simple: true }), 4);
        assert.deepEqual([await listedCount(again, "a"), await listedCount(again, "b")], [3, 2]);
        again.add({ deviceId: "a", channels: 1, bootId: 2, firstSequence: 0, dropped: 0, timestamps: [4], readings: [[4]] }, 2);
        assert.equal(await listedCount(again, "a"), 4);
        // an older build opening it again sets version 2 and writes without counting
        again.db.pragma("user_version = 2");
        again.db.exec("INSERT INTO samples (device, boot, seq, t, received, vals) VALUES ('b', 1, 2, 3, 3, '[3]')");
        again.db.exec("INSERT INTO boots (device, boot, dropped, first_seen) VALUES ('b', 5, 6, 3)");
      } finally {
        again.close();
      }
      const third = new SampleStore(file, {});
      try {
        assert.equal(await listedCount(third, "b"), 3, "counted again after a downgrade");
        const b = third.devices().find((d) => d.id === "b");
        assert.deepEqual([b?.boots, b?.dropped], [2, 6], "its boots and drops too");
        assert.equal(third.db.pragma("user_version", { simple: true }), 4);
      } finally {
        third.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives a range's samples in pages, the same as range() whatever the page size, a run of one time included, as they were when it began", async function () {
    await withStore({}, async (store) => {
      await checkPagesMatchRange(store, "paged");
      await checkPagesOfOneTime(store, "one-time");
      await checkPagesSnapshot(store, "snapshot");
    });
  });
});
