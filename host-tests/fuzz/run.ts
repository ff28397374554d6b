// npm run fuzz: the fuzz targets of the bounded run in npm test, given many more inputs each.
//   npm run fuzz -- [--runs N per target, default 300000] [--seed S] [--only text-in-the-name]
// Prints inputs and inputs/s per target and in all; on a failure, the shrunk input and the seed and
// path that replay it, and exits with status 1.

import fc from "fast-check";
import { parseArgs } from "node:util";
import { allTargets } from "./targets.js";

const { values } = parseArgs({ options: { runs: { type: "string" }, seed: { type: "string" }, only: { type: "string" } } });
const runs = Number(values.runs ?? 300_000);
const seed = Number(values.seed ?? Date.now() % 0x7fffffff);
if (!(Number.isInteger(runs) && runs > 0) || !Number.isInteger(seed)) throw new Error("--runs and --seed take integers");
const targets = allTargets.filter((t) => values.only === undefined || t.name.includes(values.only));
console.log(`fuzz: ${targets.length} targets x ${runs.toLocaleString("en")} inputs, seed ${seed}`);

let total = 0;
const started = Date.now();
for (const target of targets) {
  const t0 = Date.now();
  const details = fc.check(target.property(), { numRuns: runs, seed });
  const seconds = (Date.now() - t0) / 1000;
  total += details.numRuns;
  const rate = Math.round(details.numRuns / Math.max(seconds, 0.001)).toLocaleString("en");
  console.log(`${details.failed ? "FAIL" : "ok  "} ${details.numRuns.toLocaleString("en").padStart(10)} inputs ${seconds.toFixed(1).padStart(6)} s ${rate.padStart(8)}/s  ${target.name}`);
  if (details.failed) {
    console.log(`  counterexample: ${fc.stringify(details.counterexample)}`);
    console.log(`  error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`);
    console.log(`  replay: npm run fuzz -- --only "${target.name.slice(0, 30)}" --seed ${seed} (path ${details.counterexamplePath})`);
    process.exitCode = 1;
  }
}
console.log(`fuzz: ${total.toLocaleString("en")} inputs in ${((Date.now() - started) / 1000).toFixed(0)} s, ${process.exitCode ? "FAILED" : "no failures"}`);
