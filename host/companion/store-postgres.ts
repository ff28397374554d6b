// Samples in PostgreSQL, for a cluster of companion instances: the same tables and semantics as
// SQLite's store (store.ts). Batches that arrive together, from many devices, are one statement, so
// one round trip and one commit (group-commit.ts): data-modifying CTEs record the devices and boots,
// insert every new sample in one multi-row INSERT (from arrays), raise each boot's highest sequence
// and trim retention; each batch's promise settles only after that commit, which is when it may be acknowledged.

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import postgres, { type Sql } from "postgres";
import type { Batch } from "../../firmware/app/stream-format.js";
import { GroupCommit } from "./group-commit.js";
import { migrate } from "./migrations-postgres.js";
import { keysetPages, trimStep, type Credentials, type DeviceRow, type Hello, type Retention, type Store, type StoredSample } from "./store-types.js";

type SampleRow = { boot: string | number; seq: string | number; t: number; vals: string };
const parse = (r: SampleRow): StoredSample => ({ boot: Number(r.boot), seq: Number(r.seq), t: r.t, values: JSON.parse(r.vals) });
const hash = (token: string) => createHash("sha256").update(token).digest();

/** Opens a pool on `url` (postgres://user@host:port/db) and migrates the schema. */
export async function openPostgresStore(url: string, retention: Retention = { maxSamples: 100_000 }, poolSize = 10): Promise<PostgresStore> {
  const sql = postgres(url, { max: poolSize, onnotice: () => undefined, connect_timeout: 5, idle_timeout: 60 });
  await migrate(sql);
  return new PostgresStore(sql, retention);
}

class PostgresCredentials implements Credentials {
  readonly #sql: Sql;
  constructor(sql: Sql) { this.#sql = sql; }

  async add(device: string): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.#sql`INSERT INTO device_credentials (device, hash, created) VALUES (${device}, ${hash(token)}, ${Date.now()})
      ON CONFLICT (device) DO UPDATE SET hash = excluded.hash, created = excluded.created`;
    return token;
  }
  async revoke(device: string): Promise<boolean> {
    return (await this.#sql`DELETE FROM device_credentials WHERE device = ${device}`).count > 0;
  }
  async has(device: string): Promise<boolean> {
    return (await this.#sql`SELECT 1 FROM device_credentials WHERE device = ${device}`).length > 0;
  }
  async holding(devices: string[]): Promise<Set<string>> {
    if (devices.length === 0) return new Set();
    const rows = await this.#sql<{ device: string }[]>`SELECT device FROM device_credentials WHERE device = ANY(${devices})`;
    return new Set(rows.map((r) => r.device));
  }
  async list(): Promise<{ device: string; created: number }[]> {
    return [...await this.#sql<{ device: string; created: number }[]>`SELECT device, created FROM device_credentials ORDER BY device`];
  }
  async check(device: string, token: string): Promise<boolean> {
    const [row] = await this.#sql<{ hash: Buffer }[]>`SELECT hash FROM device_credentials WHERE device = ${device}`;
    return row !== undefined && timingSafeEqual(row.hash, hash(token));
  }
}

export class PostgresStore implements Store {
  readonly sql: Sql;
  readonly credentials: Credentials;
  readonly #retention: Retention;
  /** Batches of many devices in one statement and one commit (group-commit.ts). */
  readonly #groups = new GroupCommit((items: { batch: Batch; now: number }[]) => this.#writeGroup(items), (item) => item.batch.deviceId);

  /** Statements written and batches in them (a group per statement). */
  get groupStats() { return this.#groups.stats; }

  constructor(sql: Sql, retention: Retention) {
    this.sql = sql;
    this.#retention = retention;
    this.credentials = new PostgresCredentials(sql);
  }

  async seen(device: string, now: number): Promise<void> {
    await this.sql`INSERT INTO devices (id, first_seen, last_seen) VALUES (${device}, ${now}, ${now})
      ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`;
  }

  async hello(device: string, now: number, hello: Hello): Promise<void> {
    const [c, u, k] = [JSON.stringify(hello.channels), JSON.stringify(hello.units), JSON.stringify(hello.commands)];
    await this.sql`INSERT INTO devices (id, channels, units, commands, first_seen, last_seen) VALUES (${device}, ${c}, ${u}, ${k}, ${now}, ${now})
      ON CONFLICT (id) DO UPDATE SET channels = excluded.channels, units = excluded.units, commands = excluded.commands, last_seen = excluded.last_seen`;
  }

  async describe(device: string): Promise<Hello | null> {
    const [row] = await this.sql<{ channels: string; units: string; commands: string }[]>`SELECT channels, units, commands FROM devices WHERE id = ${device}`;
    return row === undefined ? null : { channels: JSON.parse(row.channels), units: JSON.parse(row.units), commands: JSON.parse(row.commands) };
  }

  /** Settles once the batch's group (group-commit.ts: the batches of other devices that came meanwhile) is committed. */
  add(batch: Batch, now: number): Promise<{ added: number; duplicates: number }> {
    return this.#groups.add({ batch, now });
  }

  /**
   * One statement, so one round trip and one commit, for the batches of many devices (each device at
   * most once). Every CTE sees the tables as they were before the statement: a boot's max_seq is its
   * highest sequence stored by earlier statements, and the trims reach only rows of earlier ones.
   * Rows are locked in device order, so two groups in flight never wait on each other in a cycle.
   * The arrays are only ever joined to tables (by their keys), never to each other: a prepared
   * statement's plan cannot know their lengths, and a nested loop over two of them would grow with
   * the square of the group.
   */
  async #writeGroup(items: { batch: Batch; now: number }[]): Promise<{ added: number; duplicates: number }[]> {
    const sorted = [...items].sort((a, b) => (a.batch.deviceId < b.batch.deviceId ? -1 : 1));
    const dev: string[] = [], boot: number[] = [], dropped: number[] = [], last: number[] = [], size: number[] = [];
    const rdev: string[] = [], rboot: number[] = [], seq: number[] = [], t: number[] = [], vals: string[] = [];
    for (const { batch } of sorted) {
      const n = batch.readings.length;
      dev.push(batch.deviceId); boot.push(batch.bootId); dropped.push(batch.dropped); size.push(n);
      last.push(n > 0 ? batch.firstSequence + n - 1 : -1);
      batch.readings.forEach((row, r) => {
        rdev.push(batch.deviceId); rboot.push(batch.bootId); seq.push(batch.firstSequence + r); t.push(batch.timestamps[r]);
        vals.push(JSON.stringify(row.map((v) => (Number.isFinite(v) ? v : null))));
      });
    }
    const now = Math.max(...items.map((i) => i.now));
    const keep = this.#retention.maxSamples ?? null;
    const step = keep === null ? 1 : trimStep(keep);
    const oldest = this.#retention.maxAgeMs === undefined ? null : now - this.#retention.maxAgeMs;
    const inserted = await this.sql<{ device: string }[]>`
      WITH b AS (SELECT * FROM unnest(${dev}::text[], ${boot}::bigint[], ${dropped}::bigint[], ${last}::bigint[], ${size}::int[])
          AS b(device, boot, dropped, last, n)),
        bt AS (INSERT INTO boots (device, boot, dropped, max_seq, first_seen) SELECT device, boot, dropped, last, ${now} FROM b ORDER BY device
          ON CONFLICT (device, boot) DO UPDATE SET dropped = GREATEST(boots.dropped, excluded.dropped), max_seq = GREATEST(boots.max_seq, excluded.max_seq)),
        ins AS (INSERT INTO samples (device, boot, seq, t, received, vals)
          SELECT r.device, r.boot, r.seq, r.t, ${now}, r.vals
          FROM unnest(${rdev}::text[], ${rboot}::bigint[], ${seq}::bigint[], ${t}::float8[], ${vals}::text[]) AS r(device, boot, seq, t, vals)
          LEFT JOIN boots bo ON bo.device = r.device AND bo.boot = r.boot WHERE r.seq > COALESCE(bo.max_seq, -1)
          ORDER BY r.device, r.seq
          ON CONFLICT (device, boot, seq) DO NOTHING RETURNING device),
        -- retention by count, as SQLite's: each device keeps its newest keep rows, so of its earlier rows
        -- keep - fresh stay (fresh: the batch's samples above the boot's highest, which are the ones inserted).
        -- Cut only by a batch that starts a boot or passes a multiple of step in its sequence (cutsRetention):
        -- the search walks up to keep index entries.
        fresh AS (SELECT b.device, GREATEST(${keep}::bigint - GREATEST(0, LEAST(b.n, b.last - COALESCE(bo.max_seq, -1))), 0) AS stay
          FROM b LEFT JOIN boots bo ON bo.device = b.device AND bo.boot = b.boot WHERE ${keep}::bigint IS NOT NULL
            AND (bo.max_seq IS NULL OR bo.max_seq < 0 OR (b.last + 1) / ${step}::bigint > (bo.max_seq + 1) / ${step}::bigint)),
        cut AS (SELECT f.device, c.id FROM fresh f CROSS JOIN LATERAL (SELECT id FROM samples WHERE device = f.device
            ORDER BY id DESC LIMIT 1 OFFSET f.stay) c),
        by_count AS (DELETE FROM samples s USING cut WHERE s.device = cut.device AND s.id <= cut.id RETURNING s.device),
        by_age AS (DELETE FROM samples s USING b WHERE ${oldest}::float8 IS NOT NULL AND s.device = b.device AND s.received < ${oldest}::float8
          RETURNING s.device),
        -- each device's row once (a row changed twice in one statement keeps only one change): seen now,
        -- its stored count moved by what was inserted and deleted (the deletes reach only earlier rows)
        moved AS (SELECT device, sum(k) AS k FROM (SELECT device, 1 AS k FROM ins UNION ALL SELECT device, -1 FROM by_count
          UNION ALL SELECT device, -1 FROM by_age) z GROUP BY device),
        dev AS (INSERT INTO devices (id, first_seen, last_seen, stored)
          SELECT b.device, ${now}, ${now}, COALESCE(m.k, 0) FROM b LEFT JOIN moved m ON m.device = b.device ORDER BY b.device
          ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, stored = devices.stored + excluded.stored)
      SELECT device FROM ins`;
    // data-modifying CTEs run to completion whether or not they are read; what ins returns is counted here
    const added = new Map<string, number>();
    for (const { device } of inserted) added.set(device, (added.get(device) ?? 0) + 1);
    return items.map(({ batch }) => {
      const n = added.get(batch.deviceId) ?? 0;
      return { added: n, duplicates: batch.readings.length - n };
    });
  }

  async devices(): Promise<DeviceRow[]> {
    const rows = await this.sql<{ id: string; channels: string; units: string; commands: string; first_seen: number; last_seen: number;
      dropped: string; boots: string; samples: string }[]>`SELECT d.*,
        (SELECT COALESCE(SUM(b.dropped), 0) FROM boots b WHERE b.device = d.id) AS dropped,
        (SELECT COUNT(*) FROM boots b WHERE b.device = d.id) AS boots,
        d.stored AS samples FROM devices d ORDER BY d.id`;
    return rows.map((r) => ({ id: r.id, channels: JSON.parse(r.channels), units: JSON.parse(r.units), commands: JSON.parse(r.commands),
      firstSeen: r.first_seen, lastSeen: r.last_seen, dropped: Number(r.dropped), boots: Number(r.boots), samples: Number(r.samples) }));
  }

  async range(device: string, limit = 500, from = -Infinity, to = Infinity): Promise<StoredSample[]> {
    const [lo, hi] = [Number.isFinite(from) ? from : -Number.MAX_VALUE, Number.isFinite(to) ? to : Number.MAX_VALUE];
    const rows = await this.sql<SampleRow[]>`SELECT boot, seq, t, vals FROM samples WHERE device = ${device} AND t >= ${lo} AND t <= ${hi}
      ORDER BY t DESC, id DESC LIMIT ${limit}`;
    return rows.reverse().map(parse);
  }

  /**
   * As SQLite's: rows up to the newest id when the export began, from the limit-th newest of the range;
   * then the rest of a run of equal times by id, and the later times. (The index on (device, t) has no
   * id: a run of one time is scanned once a page, here in PostgreSQL, not in this process.)
   */
  async *pages(device: string, limit: number, from = -Infinity, to = Infinity, page: number): AsyncIterable<StoredSample[]> {
    const [lo, hi] = [Number.isFinite(from) ? from : -Number.MAX_VALUE, Number.isFinite(to) ? to : Number.MAX_VALUE];
    const [{ newest }] = await this.sql<{ newest: string }[]>`SELECT COALESCE(max(id), 0) AS newest FROM samples`;
    const [start] = await this.sql<{ t: number; id: string }[]>`SELECT t, id FROM samples WHERE device = ${device} AND t >= ${lo}
      AND t <= ${hi} AND id <= ${newest} ORDER BY t DESC, id DESC LIMIT 1 OFFSET ${limit - 1}`;
    type PageRow = SampleRow & { id: string };
    const first = start === undefined ? { t: lo, id: -1 } : { t: start.t, id: Number(start.id) }; // fewer than limit: the range's oldest
    yield* keysetPages<PageRow>(first, limit, page, async (at, n) => {
      const rows = [...await this.sql<PageRow[]>`SELECT id, boot, seq, t, vals FROM samples WHERE device = ${device}
        AND t = ${at.t} AND t <= ${hi} AND id >= ${at.id} AND id <= ${newest} ORDER BY id LIMIT ${n}`];
      if (rows.length < n) {
        rows.push(...await this.sql<PageRow[]>`SELECT id, boot, seq, t, vals FROM samples WHERE device = ${device}
          AND t > ${at.t} AND t <= ${hi} AND id <= ${newest} ORDER BY t, id LIMIT ${n - rows.length}`);
      }
      return rows;
    }, parse);
  }

  recent(device: string, limit = 500): Promise<StoredSample[]> {
    return this.range(device, limit);
  }

  async boot(device: string, boot: number): Promise<StoredSample[]> {
    return (await this.sql<SampleRow[]>`SELECT boot, seq, t, vals FROM samples WHERE device = ${device} AND boot = ${boot} ORDER BY seq`).map(parse);
  }

  async drops(device: string): Promise<{ boot: number; dropped: number }[]> {
    const rows = await this.sql<{ boot: string; dropped: string }[]>`SELECT boot, dropped FROM boots WHERE device = ${device} ORDER BY first_seen`;
    return rows.map((r) => ({ boot: Number(r.boot), dropped: Number(r.dropped) }));
  }

  /**
   * In a batch's order (samples, devices, boots: #writeGroup's locks), so the two never wait on each
   * other in a cycle. Deleting the device's row waits for a batch in flight, which always changes it;
   * the second delete of samples takes that batch's rows, so none is left behind without its device.
   * A batch that starts meanwhile waits for the row and, once this commits, makes it again, counting
   * its own samples.
   */
  async remove(device: string): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      await tx`DELETE FROM samples WHERE device = ${device}`;
      const removed = (await tx`DELETE FROM devices WHERE id = ${device}`).count > 0;
      await tx`DELETE FROM boots WHERE device = ${device}`;
      await tx`DELETE FROM samples WHERE device = ${device}`;
      return removed;
    });
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 2 });
  }
}
