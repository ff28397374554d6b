// One companion instance of a cluster: npm start's settings (host/companion/settings.ts) plus
//   COMPANION_POSTGRES_URL  postgres://... : samples and credentials in PostgreSQL (else SQLite, COMPANION_DB)
//   COMPANION_REDIS_URL     redis://...    : joins the other instances through Redis (else it is alone)
//   COMPANION_INSTANCE      this instance's id in the cluster (host-pid-random by default)
//   COMPANION_PG_POOL       PostgreSQL connections of this instance (10)
//   COMPANION_SESSION_SECRET shared by the instances: an operator's session is good on all of them
// Prints "instance ID listening on PORT" when it is ready; stops on SIGINT or SIGTERM.

import { ClusterBus } from "../companion/cluster-bus.js";
import { CompanionServer } from "../companion/companion-server.js";
import { readSettings, SettingsError } from "../companion/settings.js";
import { SampleStore } from "../companion/store.js";
import { openPostgresStore } from "../companion/store-postgres.js";
import type { Store } from "../companion/store-types.js";

const env = process.env;
let server: CompanionServer<Store>;
try {
  const { server: options } = readSettings(env);
  if (env.COMPANION_PING_MS) options.pingInterval = Number(env.COMPANION_PING_MS); // tests: below a second
  const store: Store = env.COMPANION_POSTGRES_URL
    ? await openPostgresStore(env.COMPANION_POSTGRES_URL, options.retention, Number(env.COMPANION_PG_POOL || 10))
    : new SampleStore(options.database, options.retention);
  const cluster = env.COMPANION_REDIS_URL ? await ClusterBus.connect({ redisUrl: env.COMPANION_REDIS_URL, instance: env.COMPANION_INSTANCE || undefined }) : undefined;
  server = new CompanionServer<Store>({ ...options, store, cluster, dashboard: true, sessionSecret: env.COMPANION_SESSION_SECRET || undefined });
  await server.start();
  console.log(`instance ${cluster?.instance ?? "alone"} listening on ${server.port}`);
} catch (e) {
  const error = e as NodeJS.ErrnoException;
  console.error(`instance: ${e instanceof SettingsError ? e.code : error.code ?? "FAILED"}: ${error.message}`);
  process.exit(2);
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// the fleet bench (node --expose-gc) asks for a collection before reading the RSS, so that heap not
// yet collected does not count as memory per idle connection
const collect = (globalThis as { gc?: () => void }).gc;
if (collect !== undefined) process.on("SIGUSR2", () => collect());
