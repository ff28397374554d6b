// The PostgreSQL store on a real PostgreSQL (started for the test, as its own user): batches of many
// devices that arrive together are written in one statement (group commit) with the same semantics
// as one at a time: resent samples are duplicates, retention keeps each device's newest, and a
// failed group fails each of its batches.

import assert from "node:assert/strict";
import type { Batch } from "../../firmware/app/stream-format.js";
import { type Engine, startPostgres } from "../../host/cluster/engines.js";
import { MIGRATIONS } from "../../host/companion/migrations-postgres.js";
import { openPostgresStore, type PostgresStore } from "../../host/companion/store-postgres.js";
import type { Retention } from "../../host/companion/store-types.js";
import { checkPagesMatchRange, checkPagesOfOneTime, checkPagesSnapshot } from "../companion/pages-check.js";
import { checkBootTotals, checkCountsWithAge, checkRemovedCount, checkRetentionSteps, listedCount } from "../companion/retention-steps.js";

const batch = (device: string, boot: number, first: number, n: number, dropped = 0): Batch => ({
  deviceId: device, channels: 1, bootId: boot, firstSequence: first, dropped,
  timestamps: Array.from({ length: n }, (_, i) => 1000 * (first + i)), readings: Array.from({ length: n }, (_, i) => [first + i]),
});

describe("The PostgreSQL store, batches of many devices committed together", function () {
  this.timeout(60_000);
  let pg: Engine;
  let store: PostgresStore;
  before(async function () {
    pg = await startPostgres({ durable: false });
    store = await openPostgresStore(pg.url, { maxSamples: 6 }, 4);
  });
  after(async function () {
    await store?.close();
    await pg?.stop();
  });
  /** Another store on the same PostgreSQL (another instance's), for one test and closed after it. */
  const withStore = async (retention: Retention, use: (other: PostgresStore) => Promise<void>, url = pg.url, pool = 2) => {
    const other = await openPostgresStore(url, retention, pool);
    try {
      await use(other);
    } finally {
      await other.close();
    }
  };

  it("writes 200 devices' batches sent at once in fewer statements than batches, each stored once", async function () {
    const before = store.groupStats.writes;
    const results = await Promise.all(Array.from({ length: 200 }, (_, d) => store.add(batch(`g-${d}`, 7, 0, 3), Date.now())));
    assert.deepEqual(new Set(results.map((r) => `${r.added}/${r.duplicates}`)), new Set(["3/0"]));
    const writes = store.groupStats.writes - before;
    assert.ok(writes < 200 && writes >= 1, `${writes} statements for 200 batches`);
    for (const d of [0, 99, 199]) assert.deepEqual((await store.boot(`g-${d}`, 7)).map((s) => s.seq), [0, 1, 2]);
    assert.equal((await store.devices()).filter((r) => r.id.startsWith("g-")).length, 200);
  });

  it("counts resent samples as duplicates, in a group as alone, and raises each boot's highest sequence and drops", async function () {
    const results = await Promise.all([store.add(batch("dup-a", 1, 0, 4), Date.now()), store.add(batch("dup-b", 1, 0, 2), Date.now())]);
    assert.deepEqual(results, [{ added: 4, duplicates: 0 }, { added: 2, duplicates: 0 }]);
    const again = await Promise.all([store.add(batch("dup-a", 1, 2, 4, 3), Date.now()), store.add(batch("dup-b", 1, 0, 2), Date.now()),
      store.add(batch("dup-c", 1, 0, 1), Date.now())]);
    assert.deepEqual(again, [{ added: 2, duplicates: 2 }, { added: 0, duplicates: 2 }, { added: 1, duplicates: 0 }]);
    assert.deepEqual((await store.boot("dup-a", 1)).map((s) => s.seq), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(await store.drops("dup-a"), [{ boot: 1, dropped: 3 }]);
  });

  it("keeps each device's newest samples (retention 6) when several devices' batches share a statement", async function () {
    for (let round = 0; round < 4; round++) {
      await Promise.all(["keep-a", "keep-b", "keep-c"].map((d) => store.add(batch(d, 2, round * 3, 3), Date.now())));
    }
    for (const d of ["keep-a", "keep-b", "keep-c"]) {
      assert.deepEqual((await store.boot(d, 2)).map((s) => s.seq), [6, 7, 8, 9, 10, 11], d);
      assert.equal(await listedCount(store, d), 6, d);
    }
    // a second boot counts towards the same device's 6
    await store.add(batch("keep-a", 3, 0, 2), Date.now());
    assert.deepEqual((await store.recent("keep-a")).map((s) => `${s.boot}:${s.seq}`).sort(), ["2:10", "2:11", "2:8", "2:9", "3:0", "3:1"]);
    assert.equal(await listedCount(store, "keep-a"), 6);
  });

  it("cuts a device back to its newest 300 in a batch that passes a step of 3 or starts a boot, as SQLite does", async function () {
    await withStore({ maxSamples: 300 }, async (steps) => {
      const { over } = await checkRetentionSteps(steps, "steps", 300);
      assert.equal(over, 50, "batches after which it held more than 300");
    });
  });

  it("keeps each device's listed count equal to its rows through duplicates, cuts by age and count of the same rows, and a removal, and its boots and drops through reboots", async function () {
    await withStore({ maxSamples: 300, maxAgeMs: 60_000 }, async (aged) => {
      await checkCountsWithAge(aged, "aged", 60_000);
      await checkRemovedCount(aged, "removed");
      await checkBootTotals(aged, "rebooting");
    });
  });

  it("counts each device's rows once when migrating to schema 3, which keeps the count", async function () {
    await store.add(batch("mig-a", 1, 0, 3), Date.now());
    await store.add(batch("mig-b", 1, 0, 2), Date.now());
    await store.sql.unsafe("ALTER TABLE devices DROP COLUMN stored; DELETE FROM schema_migrations WHERE version = 3");
    await withStore({ maxSamples: 6 }, async (again) => {
      const versions = (await again.sql<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`).map((r) => r.version);
      assert.deepEqual(versions, MIGRATIONS.map((m) => m.version));
      assert.deepEqual([await listedCount(again, "mig-a"), await listedCount(again, "mig-b")], [3, 2]);
      await again.add(batch("mig-a", 2, 0, 1), Date.now());
      assert.equal(await listedCount(again, "mig-a"), 4);
    });
  });

  it("gives a range's samples in pages as SQLite does: the same as range(), a run of one time included, as they were when it began", async function () {
    await withStore({}, async (all) => {
      await checkPagesMatchRange(all, "paged");
      await checkPagesOfOneTime(all, "one-time");
      await checkPagesSnapshot(all, "snapshot");
    });
  });

  it("removes a device while one of its batches is being written: neither fails and no sample is left behind", async function () {
    await store.add(batch("race", 1, 0, 3), Date.now());
    // the writer (application_name w) sleeps while it holds the device's row, then the boot's
    await store.sql.unsafe(`CREATE FUNCTION slow_writer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.7); RETURN NEW; END $$;
      CREATE TRIGGER slow_devices BEFORE UPDATE ON devices FOR EACH ROW WHEN (current_setting('application_name') = 'w') EXECUTE FUNCTION slow_writer();
      CREATE TRIGGER slow_boots BEFORE UPDATE ON boots FOR EACH ROW WHEN (current_setting('application_name') = 'w') EXECUTE FUNCTION slow_writer();`);
    try {
      await withStore({ maxSamples: 6 }, async (writer) => {
        const write = writer.add(batch("race", 1, 3, 2), Date.now());
        await new Promise((r) => setTimeout(r, 300));
        const removed = await store.remove("race");
        assert.deepEqual(await write, { added: 2, duplicates: 0 });
        assert.equal(removed, true);
        const [left] = await store.sql<{ n: string }[]>`SELECT count(*) AS n FROM samples WHERE device = 'race'`;
        assert.equal(Number(left.n), 0, "the batch's samples went with the device");
        assert.equal(await listedCount(store, "race"), undefined);
      }, `${pg.url}?application_name=w`, 1);
    } finally {
      await store.sql.unsafe("DROP TRIGGER slow_devices ON devices; DROP TRIGGER slow_boots ON boots; DROP FUNCTION slow_writer()");
    }
  });

  it("removes a device that keeps writing through another instance: no error, and what it writes after is counted", async function () {
    await withStore({}, async (other) => {
      // enough rows that deleting them takes a while, during which batches keep committing
      await other.add(batch("busy", 8, 0, 10_000), Date.now());
      await other.add(batch("busy", 8, 10_000, 10_000), Date.now());
      let writing = true;
      let first = 20_000;
      const writer = (async () => {
        while (writing) {
          await other.add(batch("busy", 8, first, 3), Date.now());
          first += 3;
        }
      })();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await store.remove("busy"), true);
      for (let k = 0; k < 3; k++) assert.equal(typeof await store.remove("busy"), "boolean");
      writing = false;
      await writer;
      const [rows] = await store.sql<{ n: string }[]>`SELECT count(*) AS n FROM samples WHERE device = 'busy'`;
      assert.equal(await listedCount(store, "busy") ?? 0, Number(rows.n), "the listing's count is its rows");
    });
  });

  it("keeps two batches of one device out of one statement: the second waits for the next and sees the first", async function () {
    const [first, second] = await Promise.all([store.add(batch("twice", 4, 0, 3), Date.now()), store.add(batch("twice", 4, 0, 5), Date.now())]);
    assert.deepEqual(first, { added: 3, duplicates: 0 });
    assert.deepEqual(second, { added: 2, duplicates: 3 });
  });

  it("fails every batch of a group while PostgreSQL is away (none acknowledged), and stores them all once it is back", async function () {
    const back = pg.restart(false, 3000); // fast shutdown, 3 s away, started again
    await new Promise((r) => setTimeout(r, 1500));
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, d) => store.add(batch(`away-${d}`, 5, 0, 1), Date.now())));
    assert.deepEqual(outcomes.map((o) => o.status), Array(5).fill("rejected"));
    await back;
    const retried = await Promise.all(Array.from({ length: 5 }, (_, d) => store.add(batch(`away-${d}`, 5, 0, 1), Date.now())));
    assert.deepEqual(retried, Array(5).fill({ added: 1, duplicates: 0 }));
  });
});
