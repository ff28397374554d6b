// PostgreSQL schema migrations, versioned: each runs once, in order, in its own transaction, and is
// recorded in schema_migrations. Instances starting together take an advisory lock first, so one
// migrates and the others find the work done. The tables mirror SQLite's (store.ts) column for column.

import type { Sql } from "postgres";

/** Never edit a migration that has shipped: add the next one. */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1, name: "stream format 2: devices, boots, samples keyed by (device, boot, seq)",
    sql: `CREATE TABLE devices (id TEXT PRIMARY KEY, channels TEXT NOT NULL DEFAULT '[]', units TEXT NOT NULL DEFAULT '[]',
        commands TEXT NOT NULL DEFAULT '[]', first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL);
      CREATE TABLE boots (device TEXT NOT NULL, boot BIGINT NOT NULL, dropped BIGINT NOT NULL DEFAULT 0,
        max_seq BIGINT NOT NULL DEFAULT -1, first_seen DOUBLE PRECISION NOT NULL, PRIMARY KEY (device, boot));
      CREATE TABLE samples (id BIGSERIAL PRIMARY KEY, device TEXT NOT NULL, boot BIGINT NOT NULL, seq BIGINT NOT NULL,
        t DOUBLE PRECISION NOT NULL, received DOUBLE PRECISION NOT NULL, vals TEXT NOT NULL, UNIQUE (device, boot, seq));
      CREATE INDEX samples_by_device ON samples (device, id);
      CREATE INDEX samples_by_time ON samples (device, t);
      CREATE INDEX samples_by_arrival ON samples (device, received);`,
  },
  {
    version: 2, name: "per-device credentials",
    sql: `CREATE TABLE device_credentials (device TEXT PRIMARY KEY, hash BYTEA NOT NULL, created DOUBLE PRECISION NOT NULL);`,
  },
  {
    // listing the devices counted their rows, a walk of every sample; as SQLite's schema 3
    version: 3, name: "each device's count of stored samples, kept with every batch",
    sql: `ALTER TABLE devices ADD COLUMN stored BIGINT NOT NULL DEFAULT 0;
      UPDATE devices d SET stored = (SELECT count(*) FROM samples s WHERE s.device = d.id);`,
  },
];

/** An arbitrary constant: the advisory lock that serializes migrating instances. */
const MIGRATION_LOCK = 7_140_014;

/** Brings the schema to the newest version; returns the versions it applied. */
export async function migrate(sql: Sql): Promise<number[]> {
  const applied: number[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
      applied TIMESTAMPTZ NOT NULL DEFAULT now())`;
    const done = new Set((await tx<{ version: number }[]>`SELECT version FROM schema_migrations`).map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
      applied.push(m.version);
    }
  });
  return applied;
}
