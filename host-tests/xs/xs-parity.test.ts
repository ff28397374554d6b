import assert from "node:assert/strict";
import { appScenario } from "../app/app-scenario.js";
import { runCorpus } from "../../fixtures/corpus/run-corpus.js";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";

// Kill timeouts with room for a loaded 2-core machine: the corpus takes about 20 s on one engine at load
// average 5 and 156 s (device) / 117 s (CESU-8) at load average 10; the app scenario well under a second.
const CORPUS_MS = 450_000;
const APP_MS = 60_000;

describe("The protocol core under the XS engines", function () {
  for (const engine of ["device", "cesu8"] as const) {
    it(`gives the same events and output as Node for every corpus case and every split (${engine} engine)`, async function () {
      this.timeout(CORPUS_MS + XS_KILL_MARGIN_MS);
      const xs = resultOf(await runUnderXs("build/host-tests/xs/corpus-entry.js", { engine, timeoutMs: CORPUS_MS })) as ReturnType<typeof runCorpus>;
      const node = runCorpus();
      assert.deepEqual(Object.keys(xs), Object.keys(node));
      for (const name of Object.keys(node)) assert.deepEqual(xs[name], node[name], name);
    });
  }

  it("runs the device app's ring, stream format and commands exactly as Node does (device engine)", async function () {
    this.timeout(APP_MS + XS_KILL_MARGIN_MS);
    const node = appScenario();
    assert.equal(node.length, 6);
    assert.match(node[1], /^resent 5 4 dropped 3 /, "acknowledged samples are not sent again; drops are counted");
    assert.deepEqual(resultOf(await runUnderXs("build/host-tests/xs/app-entry.js", { timeoutMs: APP_MS })), node);
  });
});
