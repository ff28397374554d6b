import assert from "node:assert/strict";
import { type CopyReport, runCopyCases } from "../../fixtures/copy-cases.js";
import { nodePlatform } from "../../host/platform-node.js";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";

describe("The firmware's copy (native/copy.c)", function () {
  this.timeout(60_000 + XS_KILL_MARGIN_MS);

  for (const engine of ["device", "cesu8"] as const) {
    it(`agrees with the reference on every range and place, overlapping too, and refuses bad ones (${engine} engine)`, async function () {
      const r = resultOf(await runUnderXs("build/host-tests/xs/copy-entry.js", { engine, timeoutMs: 60_000 })) as
        { cases: CopyReport; collecting: { target: number; others: number } };
      assert.deepEqual(r.cases.failures, []);
      assert.equal(r.cases.compared, 2000);
      // an argument's valueOf that collects (and moves buffers) changes nothing but the target
      assert.deepEqual(r.collecting, { target: 64, others: 0 });
    });
  }

  it("is matched by Node's platform, and the cases catch a copy that ignores where it goes (Node)", function () {
    assert.deepEqual(runCopyCases(nodePlatform.copy!).failures, []);
    const placeless = runCopyCases((src, from, to, dst) => nodePlatform.copy!(src, from, to, dst, 0));
    assert.ok(placeless.failures.some((f) => f.startsWith("copy [")), placeless.failures.slice(0, 2).join("; "));
  });
});
