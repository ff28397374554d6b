import assert from "node:assert/strict";
import { resultOf, runUnderXs } from "./xs-host.js";

describe("Allocations of the protocol core under XS", function () {
  this.timeout(300_000);

  it("allocate no slot and no chunk byte per message received or sent, in either role", async function () {
    const results = resultOf(await runUnderXs("build/host-tests/xs/alloc-entry.js")) as Record<string, { slots: number; chunks: number }>;
    const names = Object.keys(results);
    assert.equal(names.length, 24, "every role, type, size and direction was measured");
    for (const name of names) assert.deepEqual(results[name], { slots: 0, chunks: 0 }, name);
  });
});
