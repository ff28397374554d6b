// Per-device credentials: a random token bound to one device id, stored as its SHA-256 (the
// tokens are 256 random bits, so a slow password hash would add nothing but cost per connection).
// Minted and revoked from the CLI (host/device-credentials.ts) or by npm start for its simulated devices.

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type Database from "better-sqlite3";
import type { Credentials } from "./store-types.js";

const hash = (token: string) => createHash("sha256").update(token).digest();

export class CredentialStore implements Credentials {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS device_credentials (device TEXT PRIMARY KEY, hash BLOB NOT NULL, created REAL NOT NULL)`);
  }

  /** Mints a token for `device`, replacing any earlier one; returns it (it is not stored, only its hash). */
  add(device: string): string {
    const token = randomBytes(32).toString("base64url");
    this.#db.prepare(`INSERT INTO device_credentials (device, hash, created) VALUES (?, ?, ?)
      ON CONFLICT(device) DO UPDATE SET hash = excluded.hash, created = excluded.created`).run(device, hash(token), Date.now());
    return token;
  }

  /** Returns whether the device had a credential. */
  revoke(device: string): boolean {
    return this.#db.prepare("DELETE FROM device_credentials WHERE device = ?").run(device).changes > 0;
  }

  has(device: string): boolean {
    return this.#db.prepare("SELECT 1 FROM device_credentials WHERE device = ?").get(device) !== undefined;
  }

  holding(devices: string[]): Set<string> {
    return new Set(devices.filter((device) => this.has(device)));
  }

  list(): { device: string; created: number }[] {
    return this.#db.prepare("SELECT device, created FROM device_credentials ORDER BY device").all() as { device: string; created: number }[];
  }

  /** Whether `token` is the one minted for `device` (compared in constant time). */
  check(device: string, token: string): boolean {
    const row = this.#db.prepare("SELECT hash FROM device_credentials WHERE device = ?").get(device) as { hash: Buffer } | undefined;
    return row !== undefined && timingSafeEqual(row.hash, hash(token));
  }
}
