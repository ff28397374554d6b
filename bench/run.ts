// `npm run bench`: the whole path under XS (client and server through their Sessions, beside
// Moddable's ECMA-419 client when MODDABLE is set), then the protocol core alone on Node and under XS
// ("core only"), with the targets of each issue checked against what was measured.

import { resultOf, runUnderXs } from "../fixtures/xs/xs-host.js";
import { type Figure, throughput } from "./core-bench.js";
import { echoFigures } from "./echo-bench.js";
import { wholePath } from "./path-report.js";

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

const check = (ok: boolean, text: string) => console.log(`  [${ok ? "met" : "MISSED"}] ${text}`);

async function main(): Promise<void> {
  await wholePath();
  console.log("\nCore only (Connection.receive and the encoder by themselves, no Session or socket): Node (V8) and XS side by side; "
    + "XS figures per message are exact engine counts.\n");
  const node = throughput(300);
  const xs = resultOf(await runUnderXs("build/bench/xs-entry.js", 600_000)) as { throughput: Figure[]; figures: Record<string, number> };
  const rows = node.map((n, i) => {
    const x = xs.throughput[i];
    return [n.name, fmt(n.messagesPerSecond), fmt(n.mibPerSecond, 1), fmt(x.messagesPerSecond), fmt(x.mibPerSecond, 2),
      fmt(x.steps ?? NaN), `${x.slots}/${x.chunks}`];
  });
  const head = ["workload", "Node msg/s", "Node MiB/s", "XS msg/s", "XS MiB/s", "XS steps/msg", "XS alloc slots/chunk B per msg"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const r of [head, ...rows]) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));

  const f = xs.figures;
  console.log("\nXS figures (receive steps are the core's alone: a run into an empty receive() is taken off)");
  for (const [k, v] of Object.entries(f)) console.log(`  ${k}: ${fmt(v, k.endsWith("ms") ? 3 : 0)}`);
  // a device's text goes out through one native UTF-8 buffer per message (one call instead of ~80
  // steps a character): counted apart, as the allocation test does
  const nativeText = xs.throughput.filter((x) => /^send text/.test(x.name));
  const allocs = xs.throughput.filter((x) => !nativeText.includes(x))
    .reduce((n, x) => n + (x.slots ?? 0) + (x.chunks ?? 0), 0);
  const unmaskSteps = f["unmask 64 KiB: steps"] / f["bare word XOR 64 KiB: steps"];
  const unmaskTime = f["unmask 64 KiB: ms"] / f["bare word XOR 64 KiB: ms"];
  console.log("\nTargets, core only");
  check(allocs === 0, `0 allocations per message in steady state, both directions: ${allocs} in total, `
    + `beside the native UTF-8 buffer of each text sent on a device (${nativeText.map((x) => `${x.slots} slots + ${fmt(x.chunks ?? 0)} B`).join(", ")})`);
  check(unmaskTime <= 1.5, `64 KiB unmask within 1.5x of a bare word XOR loop: ${fmt(unmaskTime, 2)}x time, ${fmt(unmaskSteps, 2)}x steps`);
  const fixed = f["fixed state: bytes with 16-byte device slots"];
  check(fixed < 1024, `fixed state under 1 KiB beyond the configured buffers: ${fmt(fixed)} B with 16-byte device slots `
    + `(${fmt(f["fixed state: slots"])} slots, and ${fmt(f["fixed state: chunk bytes beyond buffers"])} chunk bytes of which `
    + `${fmt(f["fixed state: state words and control areas"])} are state words and the control area); ${fmt(f["fixed state: bytes with this host's slots"])} B with this host's slots`);
  const small = f["client receive 16 B binary, streaming: steps"];
  const large = f["client receive 64 KiB binary in 1460 B pieces, streaming: steps"];
  check(small <= 200, `receive 16 B message at most 200 steps: ${fmt(small)} streaming, `
    + `${fmt(f["client receive 16 B binary, whole message: steps"])} whole (Moddable's ECMA-419 client: about 410, per the issue)`);
  check(large <= 7000, `receive 64 KiB message in 1460 B pieces at most 7,000 steps: ${fmt(large)} streaming (Moddable's: about 14,700); `
    + `whole-message mode adds xsnap's charge of 2 steps a byte for the copy into the message buffer`);

  console.log("\nConnection cycles under XS on an in-memory network: live heap after a full GC at each tenth");
  const cycles = resultOf(await runUnderXs("build/fixtures/cycles-entry.js", 600_000)) as
    { result: Record<string, number>; slots: number[]; chunks: number[] };
  for (const [name, from, to] of [["1,000 connect/echo/close cycles", 0, 10], ["1,000 reconnects after a drop", 10, 20]] as const) {
    const slots = cycles.slots.slice(from, to);
    const chunks = cycles.chunks.slice(from, to);
    console.log(`  ${name}: slots ${slots.map((n) => fmt(n)).join(" ")}; chunk bytes ${chunks.map((n) => fmt(n)).join(" ")}`);
    check(slots[9] === slots[2] && chunks[9] === chunks[2], `${name}: no growth from the third tenth to the last: `
      + `${fmt(slots[9] - slots[2])} slots, ${fmt(chunks[9] - chunks[2])} chunk bytes`);
  }

  console.log("\nEcho round trips over TCP on 127.0.0.1, one message in flight (device-like 1,460 B buffers and 5,744 B windows)");
  const echo = await echoFigures(1500);
  for (const size of [64, 16384]) {
    const rows = echo.filter((e) => e.size === size);
    const base = rows.find((e) => e.pairing === "ws client -> ws server")!.roundTrips;
    for (const e of rows) {
      console.log(`  ${String(size).padStart(5)} B  ${e.pairing.padEnd(24)} ${fmt(e.roundTrips).padStart(8)} round trips/s `
        + `${fmt(e.mibPerSecond, 1).padStart(7)} MiB/s  ${fmt(e.roundTrips / base, 2)}x of ws-ws`);
    }
  }
  const worst = Math.min(...echo.filter((e) => e.pairing.includes("our")).map((e) =>
    e.roundTrips / echo.find((b) => b.size === e.size && b.pairing === "ws client -> ws server")!.roundTrips));
  check(worst >= 0.8, `echo through the host transport at least 0.8x of ws to ws: worst pairing ${fmt(worst, 2)}x`);
  console.log(`\nNode ${process.version}; XS: the device-string engine built from @agoric/xsnap's XS sources (fixtures/xs/xs-engine.mk), no mxDebug; ${process.arch}.`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
