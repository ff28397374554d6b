import assert from "node:assert/strict";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";

// Measured at load average 10 on 2 cores before a device's long text went through the native
// conversion: over 600 s, most of it 14 sends of a 64 KiB text walking the string by index. Now seconds.
const RUN_MS = 240_000;

describe("Allocations of the protocol core under XS (device engine)", function () {
  this.timeout(RUN_MS + XS_KILL_MARGIN_MS);

  it("allocate no slot and no chunk byte per message received or sent, in either role", async function () {
    const results = resultOf(await runUnderXs("build/host-tests/xs/alloc-entry.js", { timeoutMs: RUN_MS })) as Record<string, { slots: number; chunks: number }>;
    const names = Object.keys(results);
    assert.equal(names.length, 24, "every role, type, size and direction was measured");
    for (const name of names) {
      // a device's text over NATIVE_TEXT_FROM characters is converted natively into one buffer of its
      // UTF-8 length per message (linear time instead of quadratic): that buffer, and nothing else
      if (/^send \w+ text 65536$/.test(name)) {
        assert.ok(results[name].chunks >= 65536 && results[name].chunks <= 65536 + 64, `${name}: ${JSON.stringify(results[name])}`);
        assert.ok(results[name].slots <= 8, `${name}: ${JSON.stringify(results[name])}`);
      } else assert.deepEqual(results[name], { slots: 0, chunks: 0 }, name);
    }
  });
});
