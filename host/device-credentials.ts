// npm run device -- add ID | revoke ID | list: per-device credentials in the companion's database:
// the cluster's PostgreSQL when COMPANION_POSTGRES_URL is set (as for the instances), else SQLite
// (COMPANION_DB, data/companion.db by default). `add` prints the token once (only its hash is kept)
// and the make line that flashes a board with it; running servers see the change at once (a revoked
// device is disconnected at its next liveness ping, on whichever instance holds it).
//
//   npm run device -- add esp32-kitchen [--url ws://192.168.1.20:8080/device]
//   COMPANION_POSTGRES_URL=postgres://user@host:5432/db npm run device -- revoke esp32-kitchen

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { CredentialStore } from "./companion/credentials.js";
import { DEVICE_ID } from "./companion/schemas.js";
import { openPostgresStore } from "./companion/store-postgres.js";
import { openDatabase } from "./companion/store.js";
import type { Awaitable, Credentials } from "./companion/store-types.js";
import { flag } from "./args.js";

const USAGE = "usage: npm run device -- add ID [--url ws://HOST:PORT/device] | revoke ID | list";

/** The exit code for an argument list that is not a command, or null when it is one. */
function badArgs(args: string[], print: (line: string) => void): number | null {
  const [action, id] = args;
  if (action !== "list" && (id === undefined || !new RegExp(DEVICE_ID.pattern).test(id))) {
    print(`${USAGE}\n  ID: 1 to 64 printable ASCII characters, no spaces`);
    return 2;
  }
  return null;
}

/** On SQLite (`database`, a file or ":memory:"). */
export function runDeviceCommand(args: string[], database: string, print: (line: string) => void): number {
  const bad = badArgs(args, print);
  if (bad !== null) return bad;
  if (database !== ":memory:") mkdirSync(dirname(database), { recursive: true });
  const db = openDatabase(database);
  try {
    return apply(args, new CredentialStore(db), print) as number;
  } finally {
    db.close();
  }
}

/** On a cluster's PostgreSQL (`url`); the schema is migrated first, as an instance would. */
export async function runDeviceCommandPostgres(args: string[], url: string, print: (line: string) => void): Promise<number> {
  const bad = badArgs(args, print);
  if (bad !== null) return bad;
  const store = await openPostgresStore(url, undefined, 1);
  try {
    return await apply(args, store.credentials, print);
  } finally {
    await store.close();
  }
}

/** The command on either store: SQLite's answers at once, PostgreSQL's with promises. */
function apply(args: string[], credentials: Credentials, print: (line: string) => void): Awaitable<number> {
  const [action, id] = args;
  const then = <T>(value: Awaitable<T>, next: (v: T) => number): Awaitable<number> => (value instanceof Promise ? value.then(next) : next(value));
  if (action === "add") {
    return then(credentials.add(id), (token) => {
      const url = flag(args, "url") ?? "ws://<this computer's LAN address>:8080/device";
      print(`device ${id}: token ${token}`);
      print("  shown once: only its hash is stored. Flash a board with:");
      print(`  make esp32 SSID=<wifi> PASSWORD=<wifi password> URL=${url} DEVICE=${id} TOKEN=${token}`);
      return 0;
    });
  }
  if (action === "revoke") {
    return then(credentials.revoke(id), (had) => {
      print(had ? `device ${id}: token revoked (its next connection is refused with 403, a connected one closed with 4001)` : `device ${id}: had no token`);
      return had ? 0 : 1;
    });
  }
  if (action === "list") {
    return then(credentials.list(), (list) => {
      for (const c of list) print(`${c.device}  since ${new Date(c.created).toISOString()}`);
      return 0;
    });
  }
  print(USAGE);
  return 2;
}

if (process.argv[1]?.endsWith("device-credentials.js")) {
  const args = process.argv.slice(2), print = (line: string) => console.log(line);
  const url = process.env.COMPANION_POSTGRES_URL;
  if (url) {
    runDeviceCommandPostgres(args, url, print).then((code) => { process.exitCode = code; }, (e: Error & { code?: string }) => {
      console.error(`npm run device: ${e.code ?? "FAILED"}: PostgreSQL at ${url.replace(/\/\/[^@/]*@/, "//")}: ${e.message}`);
      process.exitCode = 3;
    });
  } else {
    process.exitCode = runDeviceCommand(args, process.env.COMPANION_DB || "data/companion.db", print);
  }
}
