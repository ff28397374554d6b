import assert from "node:assert/strict";
import { DIRECT_SIZES, DIRECT_TEXTS, type DirectEchoResult, runDirectEcho } from "../../fixtures/direct-echo.js";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";
import { nodePlatform } from "../../host/platform-node.js";

function check(r: DirectEchoResult): void {
  assert.deepEqual(r.echoed, DIRECT_SIZES.map(() => true), "every size echoed byte for byte");
  assert.deepEqual(r.texts, DIRECT_TEXTS.map(() => true), "every text echoed as text, the same string");
  assert.equal(r.invalidData, "WS_ERR_INVALID_DATA", "send(undefined) said so");
  assert.deepEqual(r.unchanged, DIRECT_SIZES.map(() => true), "the app's array as it was after each send");
  assert.equal(r.openAtEnd, 0, "every socket and listener closed");
}

describe("Large frames under one header, their payload copied into the output area a piece at a time, client and server", function () {
  this.timeout(60_000 + XS_KILL_MARGIN_MS);

  it("echoes 126 B to 64 KiB byte for byte over sockets that copy, and leaves the app's arrays as they were (Node)", function () {
    check(runDirectEcho({ copy: nodePlatform.copy, mask: nodePlatform.mask }));
  });

  it("does the same without natives: set() copies and script masks (Node)", function () {
    check(runDirectEcho({}));
  });

  it("does the same under XS with the firmware's native copy and mask (device engine)", async function () {
    check(resultOf(await runUnderXs("build/host-tests/xs/direct-entry.js", { timeoutMs: 60_000 })) as DirectEchoResult);
  });
});
