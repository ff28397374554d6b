import assert from "node:assert/strict";
import { DIRECT_SIZES, DIRECT_TEXTS, type DirectEchoResult } from "../../fixtures/direct-echo.js";
import { type MaskReport, runMaskCases } from "../../fixtures/mask-cases.js";
import { nodePlatform } from "../../host/platform-node.js";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";

describe("The firmware's masking in place (native/mask.c)", function () {
  this.timeout(60_000 + XS_KILL_MARGIN_MS);

  for (const engine of ["device", "cesu8"] as const) {
    it(`agrees with the reference on every range, phase and key, refuses bad ones, unmasks what a server reads, and carries the echo alone (${engine} engine)`, async function () {
      const r = resultOf(await runUnderXs("build/host-tests/xs/mask-entry.js", { engine, timeoutMs: 60_000 })) as
        { cases: MaskReport; echo: DirectEchoResult; collecting: { target: number; others: number; utf8: number } };
      assert.deepEqual(r.cases.failures, []);
      assert.equal(r.cases.compared, 3000);
      assert.ok(r.cases.connectionCalls >= 8, `${r.cases.connectionCalls} native calls from the server connection`);
      assert.deepEqual(r.echo.echoed, DIRECT_SIZES.map(() => true), "every size echoed byte for byte");
      assert.deepEqual(r.echo.texts, DIRECT_TEXTS.map(() => true), "every text echoed");
      assert.deepEqual(r.echo.unchanged, DIRECT_SIZES.map(() => true), "the app's arrays as they were");
      assert.equal(r.echo.openAtEnd, 0);
      // an argument's valueOf that collects (and moves buffers) changes nothing but the target
      assert.deepEqual(r.collecting, { target: 64, others: 0, utf8: 12 });
    });
  }

  it("is matched by Node's platform, and the cases catch a mask that ignores the phase (Node)", function () {
    assert.deepEqual(runMaskCases(nodePlatform.mask!).failures, []);
    const phaseless = runMaskCases((b, from, to, keys, keyAt) => nodePlatform.mask!(b, from, to, keys, keyAt, 0));
    assert.ok(phaseless.failures.some((f) => f.startsWith("mask [")), phaseless.failures.slice(0, 2).join("; "));
    assert.ok(phaseless.failures.some((f) => f.startsWith("connection")), "a server reading across reads notices too");
  });
});
