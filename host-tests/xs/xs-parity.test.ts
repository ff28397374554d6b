import assert from "node:assert/strict";
import { runCorpus } from "../corpus/run-corpus.js";
import { resultOf, runUnderXs } from "./xs-host.js";

describe("The protocol core under the XS engine", function () {
  this.timeout(300_000);

  it("gives the same events and output as Node for every corpus case and every split", async function () {
    const xs = resultOf(await runUnderXs("build/host-tests/xs/corpus-entry.js")) as ReturnType<typeof runCorpus>;
    const node = runCorpus();
    assert.deepEqual(Object.keys(xs), Object.keys(node));
    for (const name of Object.keys(node)) assert.deepEqual(xs[name], node[name], name);
  });
});
