// range() and pages() give the same samples, whatever the page size: pages cut inside a run of equal
// times, a limit below and above what the range holds, open and closed bounds.

import assert from "node:assert/strict";
import type { Batch } from "../../firmware/app/stream-format.js";
import type { Awaitable, StoredSample } from "../../host/companion/store-types.js";

export interface PagedStore {
  add(batch: Batch, now: number): Awaitable<unknown>;
  range(device: string, limit?: number, from?: number, to?: number): Awaitable<StoredSample[]>;
  pages(device: string, limit: number, from: number | undefined, to: number | undefined, page: number): AsyncIterable<StoredSample[]>;
}

const oneBatch = (device: string, boot: number, first: number, n: number, t: (seq: number) => number): Batch => ({
  deviceId: device, channels: 1, bootId: boot, firstSequence: first, dropped: 0,
  timestamps: Array.from({ length: n }, (_, i) => t(first + i)), readings: Array.from({ length: n }, (_, i) => [first + i]),
});

/**
 * An export reads what was stored when it began: samples stored while it runs, with times inside the
 * range and after it, are not in it, and the newest `limit` it began with all are.
 */
export async function checkPagesSnapshot(store: PagedStore, device: string): Promise<void> {
  await store.add(oneBatch(device, 1, 0, 300, (seq) => 1000 + seq), Date.now());
  const before = (await store.range(device, 250)).map((s) => s.seq);
  const pages = store.pages(device, 250, undefined, undefined, 50)[Symbol.asyncIterator]();
  const seen: number[] = [];
  const first = await pages.next();
  seen.push(...(first.value as StoredSample[]).map((s) => s.seq));
  // a reboot with an uptime clock: times from 0 again, inside the range being read, and some after it
  await store.add(oneBatch(device, 2, 0, 100, (seq) => 1100 + seq), Date.now());
  await store.add(oneBatch(device, 2, 100, 400, (seq) => 5000 + seq), Date.now());
  for (let next = await pages.next(); next.done !== true; next = await pages.next()) seen.push(...next.value.map((s) => s.seq));
  assert.deepEqual(seen, before);
}

/** 600 samples all at one time (a device without a clock): pages by id within it, the same as range(). */
export async function checkPagesOfOneTime(store: PagedStore, device: string): Promise<void> {
  await store.add(oneBatch(device, 1, 0, 600, () => 42), Date.now());
  const whole = (await store.range(device, 500)).map((s) => s.seq);
  assert.deepEqual(whole, Array.from({ length: 500 }, (_, i) => 100 + i));
  const paged: number[] = [];
  for await (const samples of store.pages(device, 500, 42, 42, 64)) paged.push(...samples.map((s) => s.seq));
  assert.deepEqual(paged, whole);
}

/** Stores 1,000 samples of `device`, three to a time (t = seq / 3, rounded down), then compares. */
export async function checkPagesMatchRange(store: PagedStore, device: string): Promise<void> {
  const n = 1000;
  for (let first = 0; first < n; first += 250) {
    await store.add({ deviceId: device, channels: 1, bootId: 1, firstSequence: first, dropped: 0,
      timestamps: Array.from({ length: 250 }, (_, i) => Math.floor((first + i) / 3)), readings: Array.from({ length: 250 }, (_, i) => [first + i]) }, Date.now());
  }
  const key = (s: StoredSample) => `${s.boot}:${s.seq}`;
  for (const [limit, from, to] of [[700, undefined, undefined], [5000, undefined, undefined], [100, 10, 200], [1, 50, 50], [400, 300, undefined]] as const) {
    const whole = (await store.range(device, limit, from, to)).map(key);
    assert.ok(whole.length > 0);
    for (const page of [1000, 7, 2]) {
      const paged: string[] = [];
      let pages = 0;
      for await (const samples of store.pages(device, limit, from, to, page)) {
        assert.ok(samples.length <= page && samples.length > 0, `a page of ${samples.length}`);
        paged.push(...samples.map(key));
        pages++;
      }
      assert.deepEqual(paged, whole, `limit ${limit}, from ${from}, to ${to}, pages of ${page}`);
      assert.equal(pages, Math.ceil(whole.length / page));
    }
  }
  assert.deepEqual(await collect(store.pages(device, 10, 2000, undefined, 5)), [], "nothing in the range: no page");
}

async function collect(pages: AsyncIterable<StoredSample[]>): Promise<StoredSample[]> {
  const all: StoredSample[] = [];
  for await (const samples of pages) all.push(...samples);
  return all;
}
