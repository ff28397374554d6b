// Runs the frame corpus over several splits of each input. Shared by the Node tests and the XS
// entry, so both engines compute the very same thing.

import { seededRandom } from "../support/hex.js";
import { feed, mergePieces } from "../support/transcript.js";
import { frameCorpus, type FrameCase } from "./frames.js";

export interface CaseResult {
  events: string[];
  /** Offsets at which a two-piece split gave other events than the whole input (none expected). */
  disagreeingSplits: number[];
  /** Same for byte-at-a-time and seeded random chunkings. */
  bytewiseAgrees: boolean;
  randomAgrees: boolean;
  /** Same when read through the connection's input area (the zero-copy path transports use). */
  inputAreaAgrees: boolean;
}

/** Every two-piece split for inputs up to this size; larger inputs get sampled splits. */
const EXHAUSTIVE_LIMIT = 2048;

export function runCase(c: FrameCase): CaseResult {
  const norm = (e: string[]) => (c.options.streaming ? mergePieces(e) : e).join("\n");
  const events = feed(c.options, c.input, [], c.end);
  const whole = norm(events);
  const n = c.input.length;
  const disagreeingSplits: number[] = [];
  const step = n <= EXHAUSTIVE_LIMIT ? 1 : Math.ceil(n / 257);
  for (let k = 1; k < n; k += step) {
    if (norm(feed(c.options, c.input, [k], c.end)) !== whole) disagreeingSplits.push(k);
  }
  const bytewise = n <= EXHAUSTIVE_LIMIT ? Array.from({ length: Math.max(0, n - 1) }, (_, i) => i + 1) : sampleCuts(n, 1460, 1);
  const random = seededRandom(n + 1);
  let randomAgrees = true;
  for (let round = 0; round < 8; round++) {
    if (norm(feed(c.options, c.input, sampleCuts(n, 1 + (random() % 200), random()), c.end)) !== whole) randomAgrees = false;
  }
  let inputAreaAgrees = norm(feed(c.options, c.input, [], c.end, true)) === whole;
  for (let round = 0; round < 4; round++) {
    if (norm(feed(c.options, c.input, sampleCuts(n, 1 + (random() % 3000), random()), c.end, true)) !== whole) inputAreaAgrees = false;
  }
  const bytewiseAgrees = norm(feed(c.options, c.input, bytewise, c.end)) === whole;
  return { events, disagreeingSplits, bytewiseAgrees, randomAgrees, inputAreaAgrees };
}

/** Ascending cut offsets with pieces of 1..maxPiece bytes. */
function sampleCuts(n: number, maxPiece: number, seed: number): number[] {
  const random = seededRandom(seed);
  const cuts: number[] = [];
  for (let at = 1 + (random() % maxPiece); at < n; at += 1 + (random() % maxPiece)) cuts.push(at);
  return cuts;
}

export function runCorpus(cases: FrameCase[] = frameCorpus()): Record<string, CaseResult> {
  const results: Record<string, CaseResult> = {};
  for (const c of cases) results[c.name] = runCase(c);
  return results;
}
