// Retention by count as both stores keep it (store-types.ts trimStep): a device's oldest samples are
// cut by a batch that starts a boot or passes a step in its sequence, so between cuts it may hold up
// to a step less one sample more than its limit, and after a cut its limit (a batch larger than the
// limit aside: PostgreSQL cuts only rows of earlier statements), always the newest. And the count a
// device's listing shows, kept with every batch, is its rows.

import assert from "node:assert/strict";
import type { Batch } from "../../firmware/app/stream-format.js";
import type { Awaitable, DeviceRow, StoredSample } from "../../host/companion/store-types.js";
import { trimStep } from "../../host/companion/store-types.js";

export interface RetainingStore {
  add(batch: Batch, now: number): Awaitable<{ added: number; duplicates: number }>;
  recent(device: string, limit?: number): Awaitable<StoredSample[]>;
  devices(): Awaitable<DeviceRow[]>;
}

/** The device's stored count as its listing says (kept with every batch, not counted). */
export async function listedCount(store: RetainingStore, device: string): Promise<number | undefined> {
  return (await store.devices()).find((d) => d.id === device)?.samples;
}

const batch = (device: string, boot: number, first: number, n: number): Batch => ({
  deviceId: device, channels: 1, bootId: boot, firstSequence: first, dropped: 0,
  timestamps: Array.from({ length: n }, (_, i) => boot * 100_000 + first + i), readings: Array.from({ length: n }, (_, i) => [first + i]),
});

/** Sends `device` 300 batches of 2 (one boot), then one of another boot, to a store keeping `keep`; checks every batch. */
export async function checkRetentionSteps(store: RetainingStore, device: string, keep: number): Promise<{ over: number }> {
  const step = trimStep(keep);
  assert.ok(step > 1, "a limit whose step is more than one sample");
  let over = 0; // batches after which the device held more than its limit: cuts are not every batch
  const keys = (rows: StoredSample[]) => rows.map((s) => `${s.boot}:${s.seq}`);
  for (let first = 0; first < 600; first += 2) {
    await store.add(batch(device, 1, first, 2), Date.now());
    const rows = await store.recent(device, keep * 2);
    const total = first + 2;
    const cut = Math.floor(total / step) > Math.floor(first / step) || first === 0;
    if (total > keep && cut) assert.equal(rows.length, keep, `cut back to ${keep} at ${total}`);
    assert.ok(rows.length <= keep + step - 1, `${rows.length} rows after ${total}`);
    // the newest, always: the last rows.length sequences of the boot
    assert.deepEqual(keys(rows), Array.from({ length: rows.length }, (_, i) => `1:${total - rows.length + i}`));
    if (rows.length > keep) over++;
    assert.equal(await listedCount(store, device), rows.length, `the listing's count after ${total}`);
  }
  // a new boot cuts at once, its samples among the newest kept
  await store.add(batch(device, 2, 0, 2), Date.now());
  const rows = await store.recent(device, keep * 2);
  assert.equal(rows.length, keep);
  assert.deepEqual(keys(rows).slice(-3), ["1:599", "2:0", "2:1"]);
  assert.equal(await listedCount(store, device), keep);
  return { over };
}

/**
 * A store keeping samples for `maxAgeMs` (and 300 by count): resent samples and an age cut keep the
 * listing's count equal to the rows, per device.
 */
export async function checkCountsWithAge(store: RetainingStore, device: string, maxAgeMs: number): Promise<void> {
  const t0 = 1_000_000;
  await store.add(batch(device, 1, 0, 5), t0);
  await store.add(batch(device, 1, 3, 4), t0 + 1); // 3, 4 again: duplicates
  assert.equal(await listedCount(store, device), 7);
  await store.add(batch(device, 1, 7, 2), t0 + maxAgeMs + 2); // the first two batches arrived too long ago
  assert.deepEqual((await store.recent(device)).map((s) => s.seq), [7, 8]);
  assert.equal(await listedCount(store, device), 2);
  // a cut by count and one by age of the same rows in one batch: each row counted once
  const both = `${device}-both`;
  await store.add(batch(both, 1, 0, 300), t0);
  await store.add(batch(both, 1, 300, 2), t0); // 302 held: no step of 3 passed
  assert.equal(await listedCount(store, both), 302);
  await store.add(batch(both, 1, 302, 2), t0 + maxAgeMs + 2); // a step passed, and all 302 too old
  assert.deepEqual((await store.recent(both)).map((s) => s.seq), [302, 303]);
  assert.equal(await listedCount(store, both), 2);
}

/** A device removed and heard from again: counted from nothing. */
export async function checkRemovedCount(store: RetainingStore & { remove(device: string): Awaitable<boolean> }, device: string): Promise<void> {
  await store.add(batch(device, 1, 0, 4), Date.now());
  assert.equal(await store.remove(device), true);
  assert.equal(await listedCount(store, device), undefined);
  await store.add(batch(device, 2, 0, 3), Date.now());
  assert.equal(await listedCount(store, device), 3);
}

/** Reboots and drops as a device's listing shows them (kept totals on SQLite): boots counted once, the sum of each boot's most drops. */
export async function checkBootTotals(store: RetainingStore, device: string): Promise<void> {
  const listed = async () => {
    const row = (await store.devices()).find((d) => d.id === device);
    return row === undefined ? undefined : { boots: row.boots, dropped: row.dropped };
  };
  const send = (boot: number, first: number, n: number, dropped: number) => store.add({ ...batch(device, boot, first, n), dropped }, Date.now());
  await send(1, 0, 2, 0);
  assert.deepEqual(await listed(), { boots: 1, dropped: 0 });
  await send(1, 2, 2, 3); // three lost before these
  await send(1, 0, 2, 2); // a resent batch from before, with the count it had then
  assert.deepEqual(await listed(), { boots: 1, dropped: 3 });
  await send(2, 0, 1, 1);
  await send(2, 1, 0, 4); // no samples, only a count
  await send(3, 0, 1, 0);
  assert.deepEqual(await listed(), { boots: 3, dropped: 7 });
  await send(4, 0, 0, 0); // a boot whose first batch says nothing: still a boot
  assert.deepEqual(await listed(), { boots: 4, dropped: 7 });
}
