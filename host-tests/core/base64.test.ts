import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { base64Decode, base64Encode } from "../../firmware/websocket/core/base64.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";

describe("Base64 and SHA-1", function () {
  it("encode and decode like Node for every length up to 40", function () {
    for (let n = 0; n <= 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 53 + n) & 0xff);
      const text = Buffer.from(bytes).toString("base64");
      assert.equal(base64Encode(bytes), text);
      assert.deepEqual(base64Decode(text), bytes);
    }
  });

  it("refuses non-canonical base64", function () {
    for (const bad of ["abc", "ab=c", "a===", "ab?d", "QR==", " QQ=="]) assert.equal(base64Decode(bad), null, bad);
  });

  it("hashes like node:crypto across block boundaries", function () {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 1000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
      assert.equal(Buffer.from(sha1(data)).toString("hex"), createHash("sha1").update(data).digest("hex"), `length ${n}`);
    }
  });
});
