// The one store interface the companion runs on: SQLite (store.ts, synchronous, the default for one
// machine) and PostgreSQL (store-postgres.ts, asynchronous, shared by a cluster's instances) both
// implement it. Results may be a value or a promise, so callers `await` every one; a batch's promise
// settles only after its commit, which is when it may be acknowledged.

import type { Batch } from "../../firmware/app/stream-format.js";

export type Awaitable<T> = T | Promise<T>;

export interface StoredSample { boot: number; seq: number; t: number; values: (number | null)[] }
export interface DeviceRow {
  id: string; channels: string[]; units: string[]; commands: [string, string][]; firstSeen: number; lastSeen: number;
  dropped: number; boots: number; samples: number;
}
export interface Retention { maxSamples?: number; maxAgeMs?: number }

/**
 * Retention by count cuts a device's oldest samples only in a batch that starts a boot or carries its
 * sequence past a multiple of this step: finding the cut walks maxSamples index entries, which in
 * every batch cost a device at the default limit 10.5 ms a batch on SQLite (measured), 35 times its
 * insert. So between cuts a device holds up to a step less one sample more than maxSamples.
 */
export function trimStep(maxSamples: number): number {
  return Math.min(1000, Math.max(1, Math.floor(maxSamples / 100)));
}

/** The batch cuts: its boot is new (held -1, nothing stored) or its highest sequence passes a step. */
export function cutsRetention(held: number, last: number, step: number): boolean {
  return held < 0 || Math.floor((last + 1) / step) > Math.floor((held + 1) / step);
}
export interface Hello { channels: string[]; units: string[]; commands: [string, string][] }

/**
 * Store.pages' loop, one for both stores: from `start` (the limit-th newest of the range, or its
 * oldest end), pages of at most `page` samples in (t, id) order, each read by `next` (the rest of a
 * run of equal times by id, then the later times) only once the page before was taken.
 */
export async function* keysetPages<R extends { t: number; id: number | string }>(start: { t: number; id: number }, limit: number,
  page: number, next: (at: { t: number; id: number }, n: number) => Awaitable<R[]>, parse: (row: R) => StoredSample): AsyncIterable<StoredSample[]> {
  let at = start;
  for (let left = limit; left > 0;) {
    const rows = await next(at, Math.min(page, left));
    if (rows.length === 0) return;
    yield rows.map(parse);
    left -= rows.length;
    const last = rows[rows.length - 1];
    at = { t: last.t, id: Number(last.id) + 1 };
  }
}

/** Per-device credentials (a token's SHA-256 bound to one device id). */
export interface Credentials {
  add(device: string): Awaitable<string>;
  revoke(device: string): Awaitable<boolean>;
  has(device: string): Awaitable<boolean>;
  /** Which of `devices` still hold a credential: one query for the whole liveness round. */
  holding(devices: string[]): Awaitable<Set<string>>;
  list(): Awaitable<{ device: string; created: number }[]>;
  check(device: string, token: string): Awaitable<boolean>;
}

export interface Store {
  readonly credentials: Credentials;
  seen(device: string, now: number): Awaitable<void>;
  hello(device: string, now: number, hello: Hello): Awaitable<void>;
  describe(device: string): Awaitable<Hello | null>;
  /** Stores a batch; settles once committed. Samples at or below the boot's highest stored sequence are duplicates. */
  add(batch: Batch, now: number): Awaitable<{ added: number; duplicates: number }>;
  /** As add(), written together with the batches of other devices that arrive meanwhile (group commit), where add() does not already. */
  addGrouped?(batch: Batch, now: number): Promise<{ added: number; duplicates: number }>;
  devices(): Awaitable<DeviceRow[]>;
  range(device: string, limit?: number, from?: number, to?: number): Awaitable<StoredSample[]>;
  /**
   * range()'s samples (the newest `limit` with from <= t <= to, oldest first) in pages of at most
   * `page`, each page its own query after the one before was taken: an export of a million samples
   * holds one page in memory, and the server runs between pages.
   */
  pages(device: string, limit: number, from: number | undefined, to: number | undefined, page: number): AsyncIterable<StoredSample[]>;
  recent(device: string, limit?: number): Awaitable<StoredSample[]>;
  boot(device: string, boot: number): Awaitable<StoredSample[]>;
  drops(device: string): Awaitable<{ boot: number; dropped: number }[]>;
  remove(device: string): Awaitable<boolean>;
  close(): Awaitable<void>;
}
