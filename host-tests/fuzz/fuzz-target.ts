import type fc from "fast-check";

/** One fuzz target: a fast-check property, and how many inputs a bounded run (npm test) gives it. */
export interface FuzzTarget {
  name: string;
  runs: number;
  property(): fc.IProperty<any>;
}
