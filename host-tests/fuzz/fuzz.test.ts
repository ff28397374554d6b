import fc from "fast-check";
import { allTargets } from "./targets.js";

// The bounded run: a few thousand inputs per target with a fixed seed, so failures reproduce.
// `npm run fuzz` gives the same targets millions of inputs.
describe("Fuzzing (bounded)", function () {
  this.timeout(120_000);
  for (const target of allTargets) {
    it(target.name, function () {
      fc.assert(target.property(), { numRuns: target.runs, seed: 6455 });
    });
  }
});
