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
