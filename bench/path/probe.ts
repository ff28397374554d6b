// Under XS: the engine's counters around a run of the whole path, with the fake I/O's own cost taken
// off. Every fake socket method and every stand-in for a native (Logical.xor, Timer, Math.irandom)
// brackets its body with enter()/leave(); what a bracket counts (steps, slots, chunk bytes) is the
// fake's, not the stack's. What is left of a fake call is the call itself, as a native call would be.

/** Steps, slots and chunk bytes counted inside brackets so far. */
export const fake = { steps: 0, slots: 0, chunks: 0 };

let depth = 0;
let m0 = 0;
let s0 = 0;
let c0 = 0;
/** What a bracket costs outside its own window (the meter() calls, the sums): found by calibrate(). */
let bracketSteps = 0;
let bracketSlots = 0;
let bracketChunks = 0;

export function enter(): void {
  if (depth++ !== 0) return;
  s0 = heapSlots();
  c0 = heapChunks();
  m0 = meter();
}

export function leave(): void {
  if (--depth !== 0) return;
  const m = meter();
  fake.steps += m - m0 + bracketSteps;
  fake.slots += heapSlots() - s0 + bracketSlots;
  fake.chunks += heapChunks() - c0 + bracketChunks;
}

/**
 * An empty bracket, run many times beside an empty loop: what it costs beyond what it counts is added
 * to every bracket. (Reading the counters is not free: under this XS, meter() and heapSlots() calls
 * can leave a few chunk bytes behind.)
 */
export function calibrate(): number {
  bracketSteps = bracketSlots = bracketChunks = 0;
  const n = 1000;
  const loop = window(() => { for (let i = 0; i < n; i++) { /* the loop alone */ } });
  const pairs = window(() => { for (let i = 0; i < n; i++) { enter(); leave(); } });
  // window() has taken off what the brackets counted: what is left is theirs beyond it, and the loop
  bracketSteps = (pairs.steps - loop.steps) / n;
  bracketSlots = (pairs.slots - loop.slots) / n;
  bracketChunks = (pairs.chunks - loop.chunks) / n;
  return bracketSteps;
}

export interface Cost { steps: number; slots: number; chunks: number }

/** What run() costs with collection off (nothing allocated is reclaimed unseen), the fake's share taken off. */
export function window(run: () => void): Cost {
  collectGarbage();
  gcEnable(false);
  const fs = fake.steps, fsl = fake.slots, fc = fake.chunks;
  const s = heapSlots(), c = heapChunks(), m = meter();
  run();
  const steps = meter() - m, slots = heapSlots() - s, chunks = heapChunks() - c;
  gcEnable(true);
  return { steps: steps - (fake.steps - fs), slots: slots - (fake.slots - fsl), chunks: chunks - (fake.chunks - fc) };
}

/**
 * Per unit (message) of a run that can repeat: two passes less one, so that what a run costs once
 * (its call, first-use structures) cancels; `units` is what one pass delivers.
 */
export function perUnit(pass: (passes: number) => void, units: number): Cost {
  pass(1); // warm: class structures and lazily built engine state are not per-message costs
  const one = window(() => pass(1));
  const two = window(() => pass(2));
  return { steps: (two.steps - one.steps) / units, slots: (two.slots - one.slots) / units, chunks: (two.chunks - one.chunks) / units };
}

/** Live heap after a full collection, for fixed bytes held between two moments. */
export function live(): { slots: number; chunks: number } {
  collectGarbage(); // twice: a collected chunk's space may be freed when the next one compacts
  collectGarbage();
  return { slots: heapSlots(), chunks: heapChunks() };
}
