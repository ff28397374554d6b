// Group commit: items (sample batches of many devices) that arrive while a write is in flight wait,
// and go together in the next write, one statement and one commit for all of them. A lone item is
// written at once (or at the end of the event loop's turn, with `defer`: SQLite, whose writes do not
// wait), so latency stays one round trip at low load, while at high load the number of
// statements (and of WAL flushes) per second stays bounded by `maxInFlight` per round trip instead
// of growing with the devices. Each item's promise settles only when its group's write settled:
// an ack sent then follows the commit. A write that fails fails every item of its group.
// Items with the same key (a device) are never in one group nor in two groups in flight: one
// statement may not upsert one row twice, and a group must see what the one before it stored.

interface Waiting<T, R> { item: T; resolve(result: R): void; reject(error: unknown): void }

export class GroupCommit<T, R> {
  readonly stats = { writes: 0, items: 0, largest: 0 };
  readonly #write: (items: T[]) => Promise<R[]>;
  readonly #key: (item: T) => string;
  readonly #maxGroup: number;
  readonly #maxInFlight: number;
  #queue: Waiting<T, R>[] = [];
  #inFlight = 0;
  /** When set, items gather until `defer` runs the next write (SQLite: the end of the event loop's turn). */
  readonly #defer: ((run: () => void) => void) | undefined;
  #scheduled = false;
  /** Keys of the items in the groups in flight. */
  readonly #busy = new Set<string>();

  /** `write` returns one result per item, in order. */
  constructor(write: (items: T[]) => Promise<R[]>, key: (item: T) => string, maxGroup = 2000, maxInFlight = 2, defer?: (run: () => void) => void) {
    this.#defer = defer;
    this.#write = write;
    this.#key = key;
    this.#maxGroup = maxGroup;
    this.#maxInFlight = maxInFlight;
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#defer === undefined) return this.#kick();
      if (this.#scheduled) return;
      this.#scheduled = true;
      this.#defer(() => {
        this.#scheduled = false;
        this.#kick();
      });
    });
  }

  #kick(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const group = this.#take();
      if (group.length === 0) return; // every waiting item's key is in flight: the next settle kicks again
      const keys = group.map((w) => this.#key(w.item));
      for (const key of keys) this.#busy.add(key);
      this.#inFlight++;
      this.stats.writes++;
      this.stats.items += group.length;
      this.stats.largest = Math.max(this.stats.largest, group.length);
      this.#write(group.map((w) => w.item)).then(
        (results) => group.forEach((w, k) => w.resolve(results[k])),
        (error: unknown) => group.forEach((w) => w.reject(error)),
      ).finally(() => {
        for (const key of keys) this.#busy.delete(key);
        this.#inFlight--;
        this.#kick();
      });
    }
  }

  /** Up to maxGroup waiting items, in arrival order, one per key and none in flight; the rest wait for the next group. */
  #take(): Waiting<T, R>[] {
    const group: Waiting<T, R>[] = [], later: Waiting<T, R>[] = [], keys = new Set<string>();
    for (const w of this.#queue) {
      const key = this.#key(w.item);
      if (group.length < this.#maxGroup && !keys.has(key) && !this.#busy.has(key)) {
        keys.add(key);
        group.push(w);
      } else later.push(w);
    }
    this.#queue = later;
    return group;
  }
}
