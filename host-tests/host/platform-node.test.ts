import assert from "node:assert/strict";
import { acceptFor, createKey } from "../../firmware/websocket/core/accept.js";
import { nodePlatform } from "../../host/platform-node.js";

describe("Node platform", function () {
  it("computes the RFC 6455 accept key with node:crypto", function () {
    assert.equal(acceptFor("dGhlIHNhbXBsZSBub25jZQ==", nodePlatform.sha1), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  it("draws 32-bit values that vary, past the end of its batch", function () {
    const values = new Set<number>();
    for (let i = 0; i < 600; i++) {
      const v = nodePlatform.random32();
      assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
      values.add(v);
    }
    assert.ok(values.size > 590, "a strong source does not repeat itself");
    assert.notEqual(createKey(nodePlatform.random32), createKey(nodePlatform.random32));
  });
});
