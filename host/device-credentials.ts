// npm run device -- add ID | revoke ID | list: per-device credentials in the companion's database
// (COMPANION_DB, data/companion.db by default). `add` prints the token once (only its hash is
// kept) and the make line that flashes a board with it; a running server sees the change at once.
//
//   npm run device -- add esp32-kitchen [--url ws://192.168.1.20:8080/device]

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { CredentialStore } from "./companion/credentials.js";
import { DEVICE_ID } from "./companion/schemas.js";
import { openDatabase } from "./companion/store.js";
import { flag } from "./args.js";

export function runDeviceCommand(args: string[], database: string, print: (line: string) => void): number {
  const [action, id] = args;
  const usage = "usage: npm run device -- add ID [--url ws://HOST:PORT/device] | revoke ID | list";
  if (action !== "list" && (id === undefined || !new RegExp(DEVICE_ID.pattern).test(id))) {
    print(`${usage}\n  ID: 1 to 64 printable ASCII characters, no spaces`);
    return 2;
  }
  if (database !== ":memory:") mkdirSync(dirname(database), { recursive: true });
  const db = openDatabase(database);
  try {
    const credentials = new CredentialStore(db);
    if (action === "add") {
      const token = credentials.add(id);
      const url = flag(args, "url") ?? "ws://<this computer's LAN address>:8080/device";
      print(`device ${id}: token ${token}`);
      print("  shown once: only its hash is stored. Flash a board with:");
      print(`  make esp32 SSID=<wifi> PASSWORD=<wifi password> URL=${url} DEVICE=${id} TOKEN=${token}`);
      return 0;
    }
    if (action === "revoke") {
      const had = credentials.revoke(id);
      print(had ? `device ${id}: token revoked (its next connection is refused with 403)` : `device ${id}: had no token`);
      return had ? 0 : 1;
    }
    if (action === "list") {
      for (const c of credentials.list()) print(`${c.device}  since ${new Date(c.created).toISOString()}`);
      return 0;
    }
    print(usage);
    return 2;
  } finally {
    db.close();
  }
}

if (process.argv[1]?.endsWith("device-credentials.js")) {
  process.exitCode = runDeviceCommand(process.argv.slice(2), process.env.COMPANION_DB || "data/companion.db", (line) => console.log(line));
}
