// Samples in SQLite (a file by default, ":memory:" for tests), one row per sample, keyed by device and
// sequence number so that a batch sent again after a reconnect is stored once.

import Database from "better-sqlite3";
import type { Batch } from "../../firmware/app/stream-format.js";

export interface StoredSample { seq: number; t: number; values: (number | null)[] }

export class SampleStore {
  readonly #db: Database.Database;
  readonly #retention: number;
  /** Prepared once: every batch runs them. */
  readonly #insert: Database.Statement;
  readonly #seen: Database.Statement;
  readonly #dropped: Database.Statement;
  readonly #trim: Database.Statement;
  readonly #channels: Database.Statement;
  readonly #recent: Database.Statement;

  /** `retention`: samples kept per device; older ones are deleted as new ones arrive. */
  constructor(path: string, retention = 100_000) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.exec(`CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, channels TEXT NOT NULL DEFAULT '[]',
        first_seen REAL NOT NULL, last_seen REAL NOT NULL, dropped INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS samples (device TEXT NOT NULL, seq INTEGER NOT NULL, t REAL NOT NULL,
        vals TEXT NOT NULL, PRIMARY KEY (device, seq)) WITHOUT ROWID;`);
    this.#retention = retention;
    this.#insert = this.#db.prepare("INSERT OR IGNORE INTO samples (device, seq, t, vals) VALUES (?, ?, ?, ?)");
    this.#seen = this.#db.prepare(`INSERT INTO devices (id, channels, first_seen, last_seen) VALUES (?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen, channels = CASE WHEN ? THEN excluded.channels ELSE channels END`);
    this.#dropped = this.#db.prepare("UPDATE devices SET dropped = ? WHERE id = ?");
    this.#trim = this.#db.prepare(`DELETE FROM samples WHERE device = ? AND seq <= (SELECT MAX(seq) FROM samples WHERE device = ?) - ?`);
    this.#channels = this.#db.prepare("SELECT channels FROM devices WHERE id = ?");
    this.#recent = this.#db.prepare("SELECT seq, t, vals FROM samples WHERE device = ? ORDER BY seq DESC LIMIT ?");
  }

  /** A device said hello: its channels, and when. */
  seen(device: string, now: number, channels?: string[]): void {
    this.#seen.run(device, JSON.stringify(channels ?? []), now, now, channels ? 1 : 0);
  }

  /** A device's channel names, or null for a device never seen. */
  channels(device: string): string[] | null {
    const row = this.#channels.get(device) as { channels: string } | undefined;
    return row === undefined ? null : JSON.parse(row.channels);
  }

  /** Stores a batch; returns how many of its samples were new. */
  add(batch: Batch, now: number): number {
    let added = 0;
    this.#db.transaction(() => {
      this.seen(batch.deviceId, now);
      this.#dropped.run(batch.dropped, batch.deviceId);
      batch.readings.forEach((row, k) => {
        const values = JSON.stringify(row.map((v) => (Number.isFinite(v) ? v : null)));
        added += this.#insert.run(batch.deviceId, batch.firstSequence + k, batch.timestamps[k], values).changes;
      });
      this.#trim.run(batch.deviceId, batch.deviceId, this.#retention);
    })();
    return added;
  }

  devices(): { id: string; channels: string[]; firstSeen: number; lastSeen: number; dropped: number; samples: number }[] {
    return (this.#db.prepare(`SELECT d.id, d.channels, d.first_seen, d.last_seen, d.dropped,
        (SELECT COUNT(*) FROM samples s WHERE s.device = d.id) AS samples FROM devices d ORDER BY d.id`).all() as
      { id: string; channels: string; first_seen: number; last_seen: number; dropped: number; samples: number }[])
      .map((r) => ({ id: r.id, channels: JSON.parse(r.channels), firstSeen: r.first_seen, lastSeen: r.last_seen,
        dropped: r.dropped, samples: r.samples }));
  }

  /** The newest `limit` samples of a device, oldest first. */
  recent(device: string, limit = 500): StoredSample[] {
    const rows = this.#recent.all(device, limit) as { seq: number; t: number; vals: string }[];
    return rows.reverse().map((r) => ({ seq: r.seq, t: r.t, values: JSON.parse(r.vals) }));
  }

  close(): void {
    this.#db.close();
  }
}
