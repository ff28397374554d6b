import assert from "node:assert/strict";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "./xs-host.js";

// About 160 s at load average 5 on 2 cores, and more than 600 s at load average 10 (measured): most of it is
// the 14 sends of a 64 KiB text (5.5 s each at load 9), whose UTF-8 length walks the string with charCodeAt,
// which XS answers by walking from the string's start.
const RUN_MS = 1_500_000;

describe("Allocations of the protocol core under XS (device engine)", function () {
  this.timeout(RUN_MS + XS_KILL_MARGIN_MS);

  it("allocate no slot and no chunk byte per message received or sent, in either role", async function () {
    const results = resultOf(await runUnderXs("build/host-tests/xs/alloc-entry.js", { timeoutMs: RUN_MS })) as Record<string, { slots: number; chunks: number }>;
    const names = Object.keys(results);
    assert.equal(names.length, 24, "every role, type, size and direction was measured");
    for (const name of names) assert.deepEqual(results[name], { slots: 0, chunks: 0 }, name);
  });
});
