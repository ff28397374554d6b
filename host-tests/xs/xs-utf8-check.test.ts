import assert from "node:assert/strict";
import { type Utf8CheckReport, runUtf8CheckCases } from "../../fixtures/utf8-check-cases.js";
import { UTF8_ACCEPT, utf8Validate } from "../../firmware/websocket/core/utf8.js";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";

type XsReport = Utf8CheckReport & { steps: { long: number; short: number } };

describe("The firmware's native UTF-8 check (native/utf8-check.c)", function () {
  this.timeout(60_000 + XS_KILL_MARGIN_MS);

  for (const engine of ["device", "cesu8"] as const) {
    it(`agrees with the script DFA on every piece, refuses bad ranges and fails bad text with 1007 (${engine} engine)`, async function () {
      const r = resultOf(await runUnderXs("build/host-tests/xs/utf8-check-entry.js", { engine, timeoutMs: 60_000 })) as XsReport;
      assert.deepEqual(r.failures, []);
      assert.ok(r.pieces > 5000, `${r.pieces} pieces compared`);
      assert.ok(r.connectionCalls >= 6, `${r.connectionCalls} native calls from the connections`);
      // one call, whatever the length: 1 KiB costs what 16 bytes cost (script: about 2.3 steps a byte)
      assert.equal(r.steps.long, r.steps.short, `steps for 1 KiB ${r.steps.long}, for 16 B ${r.steps.short}`);
    });
  }

  it("is what the cases compare against: a check that differs from the DFA fails them (Node)", function () {
    // the DFA itself passes all but the range checks, which only the native makes
    const reference = runUtf8CheckCases((s, b, from, to) => utf8Validate(s, b, from, to)).failures;
    assert.deepEqual(reference.filter((f) => !f.startsWith("no RangeError")), []);
    // a check that accepts everything: the cases must notice
    const lax = runUtf8CheckCases((s, b, from, to) => (from === to ? s : UTF8_ACCEPT));
    assert.ok(lax.failures.some((f) => f.startsWith("connection, an overlong NUL")), lax.failures.slice(0, 3).join("; "));
    assert.ok(lax.failures.some((f) => f.startsWith("no RangeError")));
  });
});
