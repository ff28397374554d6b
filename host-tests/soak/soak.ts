// npm run soak -- [--minutes 3]: both roles of the stack under load and abuse for a few minutes,
// with the heap sampled, then a verdict. It stops by itself.
//  - devices (our client) stream samples to the companion server through a proxy that breaks the
//    link every few seconds: resets mid-frame, half-open silence, drops, refusals, HTTP 500;
//  - our server echoes for good clients (our client, round trips of 0..4 KiB checked byte for
//    byte) while hostile clients hit it every second: bad frames, ping and header floods, slow
//    handshakes, connection floods, clients that stop reading.
// Passes when every sample is stored once or still held, every echo came back intact, the good
// clients stayed connected, and the live objects on the heap after GC stayed flat (growth under
// 1 MiB). V8's compiled code is shown apart: it grows for a while as more functions get optimised.

import { parseArgs } from "node:util";
import v8 from "node:v8";
import { CompanionServer } from "../../host/companion/companion-server.js";
import { simulatedDevice } from "../../host/simulated-device.js";
import { FaultProxy } from "../support/fault-proxy.js";
import { collectGarbage } from "../support/heap.js";
import { badFrames, clientFrame, connectionFlood, headerFlood, nonReader, pause, pingFlood, slowHandshake } from "../support/hostile-peers.js";
import { ourClient, ourEchoServer } from "../support/net.js";

const { values } = parseArgs({ options: { minutes: { type: "string" } } });
const minutes = Number(values.minutes ?? 3);
if (!(minutes > 0 && minutes <= 120)) throw new Error("--minutes takes a number from 0 to 120");
const endAt = Date.now() + minutes * 60_000;

const companion = new CompanionServer({ port: 0, database: ":memory:", pingInterval: 5000 });
await companion.start();
const proxy = new FaultProxy(companion.port);
await proxy.listen();
const devices = Array.from({ length: 4 }, (_, i) => simulatedDevice({
  url: `ws://127.0.0.1:${proxy.port}/device`, deviceId: `soak-${i}`, token: companion.credentials.add(`soak-${i}`), periodMs: 50, batchSize: 8,
  ringCapacity: 20_000, reconnect: { initialDelay: 100, maxDelay: 1000 }, heartbeat: { interval: 500, timeout: 500 },
}));
for (const d of devices) d.start();

const echo = await ourEchoServer({ maxClients: 8, handshakeTimeout: 500, maxHeader: 1024, maxMessage: 8192, maxQueue: 16384 });
const tally = { roundTrips: 0, wrongEchoes: 0, faults: 0, attacks: 0, attackFailures: 0 };
const good = Array.from({ length: 3 }, (_, k) => {
  let expected = new Uint8Array(0);
  const send = () => {
    expected = Uint8Array.from({ length: (tally.roundTrips * 389 + k * 1000) % 4097 }, (_, i) => (i * 31 + k) & 0xff);
    peer.client.send(expected);
  };
  const peer = ourClient(`ws://127.0.0.1:${echo.port}/`, {
    onOpen: () => send(),
    onMessage: (_type, data, length) => {
      if (length !== expected.length || data.subarray(0, length).some((b, i) => b !== expected[i])) tally.wrongEchoes++;
      tally.roundTrips++;
      send();
    },
  });
  return peer;
});

// faults on the devices' link, one every 3 s in turn
const faults: (() => void)[] = [
  () => proxy.inject({ kind: "reset-mid-frame" }),
  () => proxy.inject({ kind: "silence" }),
  () => proxy.dropAll(),
  () => { proxy.inject({ kind: "answer", status: 500, body: "try later" }); proxy.dropAll(); },
  () => { proxy.refuse(); proxy.dropAll(); setTimeout(() => void proxy.listen(), 500); },
];
const faultTimer = setInterval(() => faults[tally.faults++ % faults.length](), 3000);

// hostile clients against our server, one every second in turn (each bounded in time)
const attacks: (() => Promise<unknown>)[] = [
  () => badFrames(echo.port, Uint8Array.from([0x82, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4])),
  () => badFrames(echo.port, Uint8Array.from([0x81, 0x02, 0x68, 0x69])),
  () => badFrames(echo.port, clientFrame(0x01, Uint8Array.of(0x68, 0xc0, 0xaf))),
  () => pingFlood(echo.port, 2000),
  () => headerFlood(echo.port, 64 << 10),
  () => slowHandshake(echo.port, 50, 2000),
  async () => { const { peers } = await connectionFlood(echo.port, 20); for (const p of peers) p.destroy(); },
  async () => { const p = await nonReader(echo.port, 500, 1024); await pause(300); p.destroy(); },
];
let attacking = true;
const attackLoop = (async () => {
  while (attacking) {
    await attacks[tally.attacks++ % attacks.length]().catch(() => tally.attackFailures++);
    await pause(1000);
  }
})();

interface Sample { s: number; heap: number; code: number; rss: number; buffers: number }

/** V8's heap in use split in two: compiled code (grows as the JIT optimises more) and everything else. */
function heapParts(): { heap: number; code: number } {
  let heap = 0;
  let code = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name.startsWith("code")) code += space.space_used_size;
    else heap += space.space_used_size;
  }
  return { heap, code };
}
const samples: Sample[] = [];
const mib = (n: number) => (n / 1048576).toFixed(2);
const started = Date.now();
console.log(`soak: ${minutes} min; devices through a faulty link, our server under attack while it echoes`);
console.log("   s  objects MiB  code MiB  buffers MiB  rss MiB  round trips  stored  dups  faults  attacks  server clients");
while (Date.now() < endAt) {
  await pause(Math.min(10_000, endAt - Date.now()));
  collectGarbage();
  const m = process.memoryUsage();
  const sample = { s: Math.round((Date.now() - started) / 1000), ...heapParts(), rss: m.rss, buffers: m.arrayBuffers };
  samples.push(sample);
  console.log(`${String(sample.s).padStart(4)}  ${mib(sample.heap).padStart(11)}  ${mib(sample.code).padStart(8)}  ${mib(sample.buffers).padStart(11)}  ${mib(sample.rss).padStart(7)}  ${String(tally.roundTrips).padStart(11)}`
    + `  ${String(companion.stats.samples).padStart(6)}  ${String(companion.stats.duplicates).padStart(4)}  ${String(tally.faults).padStart(6)}`
    + `  ${String(tally.attacks).padStart(7)}  ${String(echo.clients.size).padStart(14)}`);
}

clearInterval(faultTimer);
attacking = false;
await attackLoop;
void proxy.listen().catch(() => undefined);
await pause(3000); // the devices reconnect and send what they hold
const problems: string[] = [];
for (const d of devices) {
  d.stop();
  const id = d.settings.deviceId;
  const seqs = companion.store.recent(id, 1_000_000).map((s) => s.seq);
  if (seqs.some((s, i) => s !== i)) problems.push(`${id}: stored sequences have gaps or repeats`);
  const firstHeld = d.ring.nextSequence - d.ring.size;
  if (firstHeld > seqs.length) problems.push(`${id}: samples ${seqs.length}..${firstHeld - 1} neither stored nor held`);
  if (d.ring.dropped !== 0) problems.push(`${id}: ${d.ring.dropped} samples dropped`);
}
if (tally.wrongEchoes > 0) problems.push(`${tally.wrongEchoes} echoes differed from what was sent`);
if (good.some((g) => g.client.state !== "open")) problems.push("a good client lost its connection");
if (echo.clients.size !== good.length) problems.push(`${echo.clients.size} clients left on the server, expected ${good.length}`);
const settled = samples.slice(1); // the first sample still includes warm-up
const mean = (list: Sample[], part: "heap" | "code" = "heap") => list.reduce((n, x) => n + x[part], 0) / Math.max(1, list.length);
const third = Math.max(1, Math.floor(settled.length / 3));
const growth = settled.length >= 3 ? mean(settled.slice(-third)) - mean(settled.slice(0, third)) : 0;
const codeGrowth = settled.length >= 3 ? mean(settled.slice(-third), "code") - mean(settled.slice(0, third), "code") : 0;
if (growth > 1 << 20) problems.push(`live objects grew by ${mib(growth)} MiB`);
console.log(`soak: ${tally.roundTrips} round trips, ${companion.stats.samples} samples stored once (${companion.stats.duplicates} resent duplicates ignored), `
  + `${tally.faults} link faults, ${tally.attacks} attacks (${tally.attackFailures} could not run), live objects ${growth >= 0 ? "+" : ""}${mib(growth)} MiB `
  + `and compiled code ${codeGrowth >= 0 ? "+" : ""}${mib(codeGrowth)} MiB from the first to the last third of the samples`);
console.log(problems.length === 0 ? "soak: PASS" : `soak: FAIL\n  ${problems.join("\n  ")}`);
for (const g of good) g.client.close();
echo.close();
proxy.close();
await companion.stop();
process.exit(problems.length === 0 ? 0 : 1);
