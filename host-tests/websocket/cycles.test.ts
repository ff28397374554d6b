import assert from "node:assert/strict";
import { resultOf, runUnderXs } from "../../fixtures/xs/xs-host.js";
import { runCycles } from "../../fixtures/cycles.js";

describe("Connection cycles on an in-memory network", function () {
  this.timeout(300_000);

  it("connects, echoes and closes cleanly 200 times, and reconnects after 50 drops, on Node, with every socket closed", function () {
    assert.deepEqual(runCycles(200, 50, () => undefined), { opened: 200, echoed: 200, closedClean: 200, reconnects: 50, mostOpen: 2, openAtEnd: 0 });
  });

  it("leaves no heap growth under XS across 1,000 connect/close cycles and 1,000 reconnects", async function () {
    const r = resultOf(await runUnderXs("build/fixtures/cycles-entry.js", { timeoutMs: 240_000 })) as
      { result: Record<string, number>; slots: number[]; chunks: number[] };
    assert.deepEqual(r.result, { opened: 1000, echoed: 1000, closedClean: 1000, reconnects: 1000, mostOpen: 2, openAtEnd: 0 });
    // live heap after a full collection at each tenth of the cycles, then of the reconnects: flat once warm
    const flat = (values: number[]) => Math.max(...values) - Math.min(...values) === 0;
    for (const [from, to] of [[2, 10], [12, 20]]) {
      assert.ok(flat(r.slots.slice(from, to)), `slots after GC: ${r.slots}`);
      assert.ok(flat(r.chunks.slice(from, to)), `chunk bytes after GC: ${r.chunks}`);
    }
  });
});
