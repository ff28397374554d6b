import assert from "node:assert/strict";
import { frameCorpus } from "../../fixtures/corpus/frames.js";
import { runCase } from "../../fixtures/corpus/run-corpus.js";

describe("Connection over the frame corpus", function () {
  this.timeout(60_000);
  for (const c of frameCorpus()) {
    it(c.name, function () {
      const r = runCase(c);
      assert.deepEqual(r.events, c.expect);
      assert.deepEqual(r.disagreeingSplits, [], "split at these offsets changed the events");
      assert.ok(r.bytewiseAgrees, "byte-at-a-time feeding changed the events");
      assert.ok(r.randomAgrees, "random chunking changed the events");
      assert.ok(r.inputAreaAgrees, "reading through the input area changed the events");
    });
  }
});
