import assert from "node:assert/strict";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";

// Measured at load average 10 on 2 cores before a device's text went through the native
// conversion: over 600 s, most of it 14 sends of a 64 KiB text walking the string by index. Now seconds.
const RUN_MS = 240_000;

describe("Allocations of the protocol core under XS (device engine)", function () {
  this.timeout(RUN_MS + XS_KILL_MARGIN_MS);

  it("allocate no slot and no chunk byte per message received or sent, in either role, but a text's native UTF-8 buffer", async function () {
    const results = resultOf(await runUnderXs("build/host-tests/xs/alloc-entry.js", { timeoutMs: RUN_MS })) as Record<string, { slots: number; chunks: number }>;
    const names = Object.keys(results);
    assert.equal(names.length, 24, "every role, type, size and direction was measured");
    for (const name of names) {
      // a device's text is converted natively into one new buffer of its UTF-8 length per message
      // (ArrayBuffer.fromString: one call instead of ~80 steps a character): that buffer, and nothing else
      const text = /^send \w+ text (\d+)$/.exec(name);
      if (text !== null) {
        const size = Number(text[1]);
        assert.ok(results[name].chunks >= size && results[name].chunks <= size + 64, `${name}: ${JSON.stringify(results[name])}`);
        assert.ok(results[name].slots <= 8, `${name}: ${JSON.stringify(results[name])}`);
      } else assert.deepEqual(results[name], { slots: 0, chunks: 0 }, name);
    }
  });
});
