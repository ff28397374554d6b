import type fc from "fast-check";

/** Cut points for a run of `length` bytes from any naturals: distinct, ascending, within [0, length]. */
export function cutPoints(raw: number[], length: number): number[] {
  return [...new Set(raw.map((c) => c % (length + 1)))].sort((a, b) => a - b);
}

/** One fuzz target: a fast-check property, and how many inputs a bounded run (npm test) gives it. */
export interface FuzzTarget {
  name: string;
  runs: number;
  property(): fc.IProperty<any>;
}
