import assert from "node:assert/strict";
import { appScenario } from "../app/app-scenario.js";
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

  it("runs the device app's ring, stream format and commands exactly as Node does", async function () {
    const node = appScenario();
    assert.equal(node.length, 6);
    assert.match(node[1], /^resent 5 4 dropped 3 /, "acknowledged samples are not sent again; drops are counted");
    assert.deepEqual(resultOf(await runUnderXs("build/host-tests/xs/app-entry.js")), node);
  });
});
