import assert from "node:assert/strict";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "./xs-host.js";

// About 160 s unloaded on a shared 2-core machine; a loaded one (load average 10) can take twice that.
const RUN_MS = 600_000;

describe("Allocations of the protocol core under XS (device engine)", function () {
  this.timeout(RUN_MS + XS_KILL_MARGIN_MS);

  it("allocate no slot and no chunk byte per message received or sent, in either role", async function () {
    const results = resultOf(await runUnderXs("build/host-tests/xs/alloc-entry.js", { timeoutMs: RUN_MS })) as Record<string, { slots: number; chunks: number }>;
    const names = Object.keys(results);
    assert.equal(names.length, 24, "every role, type, size and direction was measured");
    for (const name of names) assert.deepEqual(results[name], { slots: 0, chunks: 0 }, name);
  });
});
