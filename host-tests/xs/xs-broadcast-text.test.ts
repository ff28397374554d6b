import assert from "node:assert/strict";
import { BROADCAST_TEXTS, type BroadcastResult, runBroadcast } from "../../fixtures/broadcast-text.js";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";
import { nodePlatform } from "../../host/platform-node.js";

describe("Broadcast of text, client and server", function () {
  this.timeout(60_000 + XS_KILL_MARGIN_MS);

  const check = (r: BroadcastResult) => {
    assert.deepEqual(r.sent, BROADCAST_TEXTS.map(() => 3), "each broadcast reached the three clients");
    assert.deepEqual(r.heard, [0, 1, 2].map(() => BROADCAST_TEXTS.map(() => true)), "each client heard each text as text");
    assert.equal(r.openAtEnd, 0, "every socket and listener closed");
  };

  it("reaches every client with each text (Node)", function () {
    check(runBroadcast({ mask: nodePlatform.mask, copy: nodePlatform.copy }));
  });

  it("converts a device's text once per broadcast, not once per client (device engine)", async function () {
    const r = resultOf(await runUnderXs("build/host-tests/xs/broadcast-entry.js", { timeoutMs: 60_000 })) as BroadcastResult;
    check(r);
    assert.equal(r.conversions, BROADCAST_TEXTS.length, "one ArrayBuffer.fromString per broadcast");
  });
});
