// npm run cluster: PostgreSQL, Redis, CLUSTER_INSTANCES (3) companion instances and nginx in front,
// on loopback ports from temporary folders; prints the URLs; stops all it started on Ctrl-C.
// DEVICES=N also runs N simulated devices (the firmware's app on the host transport) through nginx.

import { simulatedDevice } from "../simulated-device.js";
import { openPostgresStore } from "../companion/store-postgres.js";
import { Cluster } from "./cluster.js";
import { EngineMissing } from "./processes.js";

const count = (name: string, fallback: number, max: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > max) { console.error(`npm run cluster: BAD_SETTING: ${name} is a whole number up to ${max}`); process.exit(2); }
  return n;
};
const cluster = new Cluster({ instances: Math.max(1, count("CLUSTER_INSTANCES", 3, 16)), readTimeoutSeconds: count("NGINX_READ_TIMEOUT", 60, 3600) });
try {
  await cluster.start();
} catch (e) {
  console.error(`npm run cluster: ${e instanceof EngineMissing ? e.code : "FAILED"}: ${(e as Error).message}`);
  process.exit(2);
}
console.log(`cluster: ${cluster.instances.length} companion instances behind nginx (development mode: loopback only, no login)`);
console.log(`  dashboard: ${cluster.url}/`);
console.log(`  devices:   ${cluster.url.replace("http", "ws")}/device?device=ID  (Authorization: Bearer <token>)`);
for (const i of cluster.instances) console.log(`  instance ${i.id}: http://127.0.0.1:${i.port}/ (pid ${i.child.pid})`);
console.log(`  PostgreSQL: ${cluster.postgres.url}   Redis: ${cluster.redis.url}`);

const devices = count("DEVICES", 0, 10_000);
const store = devices > 0 ? await openPostgresStore(cluster.postgres.url, undefined, 2) : null;
const apps: ReturnType<typeof simulatedDevice>[] = [];
for (let i = 1; i <= devices; i++) {
  const deviceId = `sim-${i}`;
  const app = simulatedDevice({ url: `${cluster.url.replace("http", "ws")}/device`, deviceId, token: await store!.credentials.add(deviceId), periodMs: 1000, batchSize: 1, ringCapacity: 3600 });
  app.start();
  apps.push(app);
}
if (devices > 0) console.log(`  ${devices} simulated devices streaming through nginx`);
console.log("Ctrl-C stops everything this started");

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const app of apps) app.stop();
  await store?.close();
  await cluster.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
