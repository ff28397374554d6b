// Benchmarks of the protocol core that run unchanged on Node and under XS: throughput of receive
// (decode + unmask + UTF-8 check) and send (encode + mask), and, under XS, compute steps and
// allocations per message, the unmask cost against a bare XOR loop, and fixed bytes per connection.

import { Connection } from "../firmware/websocket/core/connection.js";
import { INPUT_START } from "../firmware/websocket/core/layout.js";
import { applyMask } from "../firmware/websocket/core/mask.js";
import { bareXor, receiving, receivingInPlace, sending, type Workload, type WorkloadSpec } from "../fixtures/workloads.js";

/** Set by the XS host (xs-host.c); absent on Node. */
interface XsProbes {
  now(): number; meter(): number; collectGarbage(): void; gcEnable(on: boolean): void;
  heapSlots(): number; heapChunks(): number; slotSize(): number;
}

export interface Figure {
  name: string;
  messagesPerSecond: number;
  mibPerSecond: number;
  /** Under XS only: compute steps and allocations per message. */
  steps?: number;
  slots?: number;
  chunks?: number;
}

const g = globalThis as unknown as Partial<XsProbes> & { performance?: { now(): number } };
const xs: XsProbes | null = typeof g.meter === "function" ? (g as XsProbes) : null;
const clock = (): number => (xs ? xs.now() : (g.performance as { now(): number }).now());

/** Runs until at least `ms` have passed, doubling the count; returns messages per second. */
function rate(w: Workload, ms: number): number {
  w.run(2);
  for (let count = 1; ; count *= 2) {
    const t0 = clock();
    w.run(count);
    const elapsed = clock() - t0;
    if (elapsed >= ms) return (count * 1000) / elapsed;
  }
}

function perMessage(w: Workload, n: number): { steps: number; slots: number; chunks: number } {
  const probes = xs as XsProbes;
  const window = (count: number): number[] => {
    probes.collectGarbage();
    probes.gcEnable(false);
    const s = probes.heapSlots(), c = probes.heapChunks(), m = probes.meter();
    w.run(count);
    const out = [probes.meter() - m, probes.heapSlots() - s, probes.heapChunks() - c];
    probes.gcEnable(true);
    return out;
  };
  const one = window(n);
  const two = window(2 * n); // the difference cancels the harness's own cost
  return { steps: (two[0] - one[0]) / n, slots: (two[1] - one[1]) / n, chunks: (two[2] - one[2]) / n };
}

export function throughput(ms: number): Figure[] {
  const figures: Figure[] = [];
  const specs: [string, WorkloadSpec, (s: WorkloadSpec) => Workload][] = [];
  for (const size of [16, 1024, 65536]) {
    specs.push([`receive text ${size} B (server: unmask + UTF-8)`, { role: "server", type: "text", size }, receiving]);
    specs.push([`receive binary ${size} B (client)`, { role: "client", type: "binary", size }, receiving]);
    specs.push([`send text ${size} B (client: encode + mask)`, { role: "client", type: "text", size }, sending]);
    specs.push([`send binary ${size} B (server)`, { role: "server", type: "binary", size }, sending]);
  }
  for (const [name, spec, make] of specs) {
    const w = make(spec);
    const messagesPerSecond = rate(w, ms);
    const figure: Figure = { name, messagesPerSecond, mibPerSecond: (messagesPerSecond * spec.size) / 1048576 };
    if (xs) Object.assign(figure, perMessage(w, spec.size > 4096 ? 4 : 64));
    figures.push(figure);
  }
  return figures;
}

/** Under XS: what the step targets measure, and the unmask ratio. */
export function xsFigures(): Record<string, number> {
  const probes = xs as XsProbes;
  const steps = (w: Workload, n: number) => perMessage(w, n).steps;
  const words = new Uint32Array(16384);
  const bytes = new Uint8Array(words.buffer);
  const unmask: Workload = { run(count) { for (let i = 0; i < count; i++) applyMask(bytes, words, 0, 65536, 0x01020304, 0); return count; } };
  const timeOf = (w: Workload) => 1000 / rate(w, 300);
  // the steps of the core alone: the same run into an empty receive() is taken off
  const inPlace = (type: "text" | "binary", size: number, streaming: boolean) => {
    const spec: WorkloadSpec = { role: "client", type, size, streaming, piece: 1460 };
    const n = size > 4096 ? 4 : 64;
    return steps(receivingInPlace(spec), n) - steps(receivingInPlace(spec, true), n);
  };
  return {
    "client receive 16 B binary, streaming: steps": inPlace("binary", 16, true),
    "client receive 16 B binary, whole message: steps": inPlace("binary", 16, false),
    "client receive 16 B text, whole message: steps": inPlace("text", 16, false),
    "client receive 64 KiB binary in 1460 B pieces, streaming: steps": inPlace("binary", 65536, true),
    "client receive 64 KiB binary in 1460 B pieces, whole message: steps": inPlace("binary", 65536, false),
    "client receive 64 KiB text in 1460 B pieces, streaming: steps": inPlace("text", 65536, true),
    "unmask 64 KiB: steps": steps(unmask, 4),
    "bare word XOR 64 KiB: steps": steps(bareXor(65536), 4),
    "unmask 64 KiB: ms": timeOf(unmask),
    "bare word XOR 64 KiB: ms": timeOf(bareXor(65536)),
    ...fixedState(probes),
  };
}

/**
 * Bytes a connection holds beyond its configured input, message and output areas: what stays live
 * after a full collection, so that garbage made while constructing is not counted, over 100
 * connections held at once (one alone can land in the space a collected one left, and read 0; 8 read
 * a few slots and about 100 chunk bytes low against 100).
 */
function fixedState(probes: XsProbes): Record<string, number> {
  const handler = { onMessage() {} };
  // small areas: this XS may take a large chunk outside its counted heap, which would blur the sum
  const options = { role: "server" as const, handler, maxMessage: 64, inputSize: 64, outputSize: 140 };
  const n = 100;
  // the array at its full length first: its growth would count as the connections' memory
  const held: (Connection | null)[] = new Array<Connection | null>(n).fill(null);
  held[0] = new Connection(options); // the first creates class structures
  held[0] = null;
  // twice: XS frees a collected chunk's space when it compacts, which may wait for the next collection
  probes.collectGarbage();
  probes.collectGarbage();
  const s = probes.heapSlots(), c = probes.heapChunks();
  for (let i = 0; i < n; i++) held[i] = new Connection(options);
  probes.collectGarbage();
  probes.collectGarbage();
  const slots = (probes.heapSlots() - s) / n;
  const chunks = (probes.heapChunks() - c) / n - 64 - 64 - 140;
  return {
    "fixed state: slots": slots,
    "fixed state: chunk bytes beyond buffers": chunks,
    "fixed state: state words and control areas": INPUT_START,
    "fixed state: bytes with this host's slots": slots * probes.slotSize() + chunks,
    "fixed state: bytes with 16-byte device slots": slots * 16 + chunks,
  };
}
