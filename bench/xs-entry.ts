// Under XS: the core benchmark, printed for bench/run.js to lay beside Node's figures.
import { throughput, xsFigures } from "./core-bench.js";

const ms = Number((globalThis as { BENCH_MS?: number }).BENCH_MS ?? 200);
print("RESULT " + JSON.stringify({ throughput: throughput(ms), figures: xsFigures() }));
