// Samples in SQLite (a file by default, ":memory:" for tests), one row per sample, named by
// (device, boot, sequence): sequences restart at 0 on every boot, so the boot id keeps boots apart.
// Drops are kept per boot and summed per device. Retention is per device, by count (the newest N
// that arrived, cut now and then: trimStep) and/or by age (when they arrived); what is cut is never
// decided by arithmetic on sequence numbers.

import Database from "better-sqlite3";
import type { Batch } from "../../firmware/app/stream-format.js";
import { CredentialStore } from "./credentials.js";
import { GroupCommit } from "./group-commit.js";
import { cutsRetention, keysetPages, trimStep, type DeviceRow, type Hello, type Retention, type Store, type StoredSample } from "./store-types.js";

export type { DeviceRow, Hello, Retention, StoredSample } from "./store-types.js";

/**
 * Schema versions, in PRAGMA user_version: 2 is stream format 2's (device, boot, seq) tables; 3 keeps
 * each device's count of stored samples (devices.stored) with every batch, where listing the devices
 * had counted their rows (a walk of every sample: 0.2 s a listing at 2 million, blocking the server);
 * 4 keeps its count of boots and sum of drops likewise (boots are never deleted: a device in a reboot
 * loop adds thousands of rows a day, which every listing walked).
 */
const SCHEMA_VERSION = 4;

/** The totals a device's row keeps (schema 3 and 4): added if missing, recounted from the rows when a file is older. */
const TOTALS = [["stored", "(SELECT COUNT(*) FROM samples WHERE device = devices.id)"],
  ["boot_count", "(SELECT COUNT(*) FROM boots WHERE device = devices.id)"],
  ["dropped_sum", "(SELECT COALESCE(SUM(dropped), 0) FROM boots WHERE device = devices.id)"]] as const;

/** Opens the database and makes the tables (moving a version 1 table aside, where one is found). */
export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  const columns = db.prepare("SELECT name FROM pragma_table_info('samples')").all() as { name: string }[];
  if (columns.length > 0 && !columns.some((c) => c.name === "boot")) {
    // format 1 keyed samples by (device, seq) only: kept as samples_v1 for whoever wants them, never mixed in
    db.exec("ALTER TABLE samples RENAME TO samples_v1; ALTER TABLE devices RENAME TO devices_v1;");
  }
  db.exec(`CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, channels TEXT NOT NULL DEFAULT '[]',
      units TEXT NOT NULL DEFAULT '[]', commands TEXT NOT NULL DEFAULT '[]', first_seen REAL NOT NULL, last_seen REAL NOT NULL,
      stored INTEGER NOT NULL DEFAULT 0, boot_count INTEGER NOT NULL DEFAULT 0, dropped_sum INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS boots (device TEXT NOT NULL, boot INTEGER NOT NULL, dropped INTEGER NOT NULL DEFAULT 0,
      max_seq INTEGER NOT NULL DEFAULT -1, first_seen REAL NOT NULL, PRIMARY KEY (device, boot)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS samples (id INTEGER PRIMARY KEY, device TEXT NOT NULL, boot INTEGER NOT NULL,
      seq INTEGER NOT NULL, t REAL NOT NULL, received REAL NOT NULL, vals TEXT NOT NULL, UNIQUE (device, boot, seq));
    CREATE INDEX IF NOT EXISTS samples_by_device ON samples (device);
    CREATE INDEX IF NOT EXISTS samples_by_time ON samples (device, t);
    CREATE INDEX IF NOT EXISTS samples_by_arrival ON samples (device, received);`);
  const deviceColumns = db.prepare("SELECT name FROM pragma_table_info('devices')").all() as { name: string }[];
  const version = db.pragma("user_version", { simple: true }) as number;
  db.transaction(() => {
    const missing = TOTALS.filter(([name]) => !deviceColumns.some((c) => c.name === name));
    for (const [name] of missing) db.exec(`ALTER TABLE devices ADD COLUMN ${name} INTEGER NOT NULL DEFAULT 0`);
    // a file written by an older version (or by one again after a downgrade, which wrote without
    // counting), or missing a column: the totals start from its rows, once
    if (version < SCHEMA_VERSION || missing.length > 0) db.exec(`UPDATE devices SET ${TOTALS.map(([name, count]) => `${name} = ${count}`).join(", ")}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return db;
}

export class SampleStore implements Store {
  readonly db: Database.Database;
  readonly credentials: CredentialStore;
  readonly #retention: Retention;
  /** Written at the end of the event loop's turn (setImmediate): what arrived in the turn goes together. */
  readonly #groups = new GroupCommit((items: { batch: Batch; now: number }[]) => {
    try {
      return Promise.resolve(this.db.transaction(() => items.map((i) => this.#add(i.batch, i.now)))());
    } catch (e) {
      return Promise.reject(e);
    }
  }, (item) => item.batch.deviceId, 5000, 1, setImmediate);
  /** Prepared once: every batch runs them. */
  readonly #sql: Record<string, Database.Statement>;

  constructor(path: string | Database.Database, retention: Retention = { maxSamples: 100_000 }) {
    this.db = typeof path === "string" ? openDatabase(path) : path;
    this.#retention = retention;
    this.credentials = new CredentialStore(this.db);
    const p = (sql: string) => this.db.prepare(sql);
    this.#sql = {
      seen: p(`INSERT INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen`),
      hello: p("UPDATE devices SET channels = ?, units = ?, commands = ? WHERE id = ?"),
      boot: p(`INSERT INTO boots (device, boot, dropped, first_seen) VALUES (?, ?, ?, ?)
        ON CONFLICT(device, boot) DO UPDATE SET dropped = MAX(dropped, excluded.dropped)`),
      bootRow: p("SELECT max_seq, dropped FROM boots WHERE device = ? AND boot = ?"),
      setMaxSeq: p("UPDATE boots SET max_seq = MAX(max_seq, ?) WHERE device = ? AND boot = ?"),
      insert: p("INSERT OR IGNORE INTO samples (device, boot, seq, t, received, vals) VALUES (?, ?, ?, ?, ?, ?)"),
      trimCount: p(`DELETE FROM samples WHERE device = @device AND id <= (SELECT id FROM samples WHERE device = @device
        ORDER BY id DESC LIMIT 1 OFFSET @keep)`),
      trimAge: p("DELETE FROM samples WHERE device = ? AND received < ?"),
      totals: p("UPDATE devices SET stored = stored + ?, boot_count = boot_count + ?, dropped_sum = dropped_sum + ? WHERE id = ?"),
      device: p("SELECT channels, units, commands FROM devices WHERE id = ?"),
      range: p(`SELECT boot, seq, t, vals FROM samples WHERE device = ? AND t >= ? AND t <= ? ORDER BY t DESC, id DESC LIMIT ?`),
      // pages (Store.pages): rows up to the newest id when the export began; where the newest `limit` of
      // the range start (the limit-th newest), then from a (t, id) onwards: the rest of a run of equal
      // times by id (an index seek: a device may send one time for all), then the later times
      newestId: p("SELECT COALESCE(MAX(id), 0) AS id FROM samples"),
      pageStart: p(`SELECT t, id FROM samples WHERE device = ? AND t >= ? AND t <= ? AND id <= ? ORDER BY t DESC, id DESC LIMIT 1 OFFSET ?`),
      pageTies: p(`SELECT id, boot, seq, t, vals FROM samples WHERE device = @device AND t = @t AND t <= @to AND id >= @id AND id <= @newest
        ORDER BY id LIMIT @n`),
      pageAfter: p(`SELECT id, boot, seq, t, vals FROM samples WHERE device = @device AND t > @t AND t <= @to AND id <= @newest
        ORDER BY t, id LIMIT @n`),
      boot1: p("SELECT boot, seq, t, vals FROM samples WHERE device = ? AND boot = ? ORDER BY seq"),
      dropped: p("SELECT boot, dropped FROM boots WHERE device = ? ORDER BY first_seen"),
    };
  }

  /** A device connected (or sent anything): when. */
  seen(device: string, now: number): void {
    this.#sql.seen.run(device, now, now);
  }

  /** A device said hello: its channels, their units, and its commands. */
  hello(device: string, now: number, hello: Hello): void {
    this.seen(device, now);
    this.#sql.hello.run(JSON.stringify(hello.channels), JSON.stringify(hello.units), JSON.stringify(hello.commands), device);
  }

  /** What a device declared in its hello, or null for a device never seen. */
  describe(device: string): Hello | null {
    const row = this.#sql.device.get(device) as { channels: string; units: string; commands: string } | undefined;
    if (row === undefined) return null;
    return { channels: JSON.parse(row.channels), units: JSON.parse(row.units), commands: JSON.parse(row.commands) };
  }

  /**
   * Stores a batch in one transaction; when it returns, the batch is committed (and may be
   * acknowledged). Samples at or below the highest sequence already stored for the boot are resent
   * duplicates: they are skipped, so a sample that retention deleted never comes back.
   */
  add(batch: Batch, now: number): { added: number; duplicates: number } {
    return this.db.transaction(() => this.#add(batch, now))();
  }

  /**
   * The batches that arrive in one turn of the event loop, from any devices, in one transaction
   * (group-commit.ts): one commit, so one WAL sync, for all of them instead of one each. Settles
   * once committed; a failed transaction fails each of its batches.
   */
  /** Transactions written by addGrouped and batches in them. */
  get groupStats() { return this.#groups.stats; }

  addGrouped(batch: Batch, now: number): Promise<{ added: number; duplicates: number }> {
    return this.#groups.add({ batch, now });
  }

  #add(batch: Batch, now: number): { added: number; duplicates: number } {
    let added = 0;
    const { deviceId: device, bootId: boot } = batch;
    this.seen(device, now);
    const prior = this.#sql.bootRow.get(device, boot) as { max_seq: number; dropped: number } | undefined;
    this.#sql.boot.run(device, boot, batch.dropped, now);
    const held = prior?.max_seq ?? -1;
    batch.readings.forEach((row, k) => {
      const seq = batch.firstSequence + k;
      if (seq <= held) return;
      const values = JSON.stringify(row.map((v) => (Number.isFinite(v) ? v : null)));
      added += this.#sql.insert.run(device, boot, seq, batch.timestamps[k], now, values).changes;
    });
    const last = batch.readings.length > 0 ? batch.firstSequence + batch.readings.length - 1 : -1;
    if (last >= 0) this.#sql.setMaxSeq.run(last, device, boot);
    const change = added - this.#trim(device, now, held, last);
    // the boot row keeps the most drops any of its batches reported (MAX): the device's sum moves by the rise
    const rise = prior === undefined ? batch.dropped : Math.max(0, batch.dropped - prior.dropped);
    if (change !== 0 || prior === undefined || rise !== 0) this.#sql.totals.run(change, prior === undefined ? 1 : 0, rise, device);
    return { added, duplicates: batch.readings.length - added };
  }

  /**
   * By count only now and then (cutsRetention: the cut's search walks maxSamples rows), by age every
   * batch (an index seek). Returns the rows deleted.
   */
  #trim(device: string, now: number, held: number, last: number): number {
    const { maxSamples, maxAgeMs } = this.#retention;
    let deleted = 0;
    if (maxSamples !== undefined && cutsRetention(held, last, trimStep(maxSamples))) deleted += this.#sql.trimCount.run({ device, keep: maxSamples }).changes;
    if (maxAgeMs !== undefined) deleted += this.#sql.trimAge.run(device, now - maxAgeMs).changes;
    return deleted;
  }

  devices(): DeviceRow[] {
    const rows = this.db.prepare(`SELECT d.*, d.dropped_sum AS dropped, d.boot_count AS boots, d.stored AS samples FROM devices d
        ORDER BY d.id`).all() as
      { id: string; channels: string; units: string; commands: string; first_seen: number; last_seen: number; dropped: number; boots: number; samples: number }[];
    return rows.map((r) => ({ id: r.id, channels: JSON.parse(r.channels), units: JSON.parse(r.units), commands: JSON.parse(r.commands),
      firstSeen: r.first_seen, lastSeen: r.last_seen, dropped: r.dropped, boots: r.boots, samples: r.samples }));
  }

  /** The newest `limit` samples of a device with from <= t <= to, oldest first. */
  range(device: string, limit = 500, from = -Infinity, to = Infinity): StoredSample[] {
    const rows = this.#sql.range.all(device, from, to, limit) as { boot: number; seq: number; t: number; vals: string }[];
    return rows.reverse().map(parse);
  }

  async *pages(device: string, limit: number, from = -Infinity, to = Infinity, page: number): AsyncIterable<StoredSample[]> {
    const newest = (this.#sql.newestId.get() as { id: number }).id; // what arrives meanwhile is not the export's
    const start = this.#sql.pageStart.get(device, from, to, newest, limit - 1) as { t: number; id: number } | undefined;
    type Row = { id: number; boot: number; seq: number; t: number; vals: string };
    // fewer than limit: from the oldest in the range
    yield* keysetPages<Row>(start ?? { t: from, id: -1 }, limit, page, (at, n) => {
      const rows = this.#sql.pageTies.all({ device, t: at.t, to, id: at.id, newest, n }) as Row[];
      if (rows.length < n) rows.push(...this.#sql.pageAfter.all({ device, t: at.t, to, newest, n: n - rows.length }) as Row[]);
      return rows;
    }, parse);
  }

  /** The newest `limit` samples of a device, oldest first. */
  recent(device: string, limit = 500): StoredSample[] {
    return this.range(device, limit);
  }

  /** Every stored sample of one boot, by sequence. */
  boot(device: string, boot: number): StoredSample[] {
    return (this.#sql.boot1.all(device, boot) as { boot: number; seq: number; t: number; vals: string }[]).map(parse);
  }

  /** Drops per boot, oldest boot first. */
  drops(device: string): { boot: number; dropped: number }[] {
    return this.#sql.dropped.all(device) as { boot: number; dropped: number }[];
  }

  /** Forgets a device: its samples, boots and description. Returns whether it was known. */
  remove(device: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare("DELETE FROM samples WHERE device = ?").run(device);
      this.db.prepare("DELETE FROM boots WHERE device = ?").run(device);
      return this.db.prepare("DELETE FROM devices WHERE id = ?").run(device).changes > 0;
    })();
  }

  close(): void {
    this.db.close();
  }
}

function parse(r: { boot: number; seq: number; t: number; vals: string }): StoredSample {
  return { boot: r.boot, seq: r.seq, t: r.t, values: JSON.parse(r.vals) };
}
