// Frame headers (core/frame.ts): the size a payload length needs, the bytes written for it, and the
// lengths read back, at each boundary of the 7-, 16- and 64-bit forms (RFC 6455 5.2).

import assert from "node:assert/strict";
import { frameLength, headerLength, headerProblem, headerSize, writeHeader } from "../../firmware/websocket/core/frame.js";
import { fromHex, toHex } from "../../fixtures/hex.js";

/** Payload lengths at each boundary, the length field written for each (after the first two bits), and the header size. */
const LENGTHS: [number, string, number][] = [
  [0, "00", 2],
  [125, "7d", 2],
  [126, "7e007e", 4],
  [65535, "7effff", 4],
  [65536, "7f0000000000010000", 10],
  [2 ** 32, "7f0000000100000000", 10],
  [2 ** 32 + 0x01020304, "7f0000000101020304", 10],
  [2 ** 48 - 1, "7f0000ffffffffffff", 10],
  // past 2^48 the top 16 bits of the 64-bit field are written too, up to the largest exact length
  [2 ** 53 - 1, "7f001fffffffffffff", 10],
];

/** The header writeHeader puts at offset 3 of a buffer, as hex, and the offset it returns. */
function written(fin: boolean, opcode: number, length: number, masked: boolean, key = 0): [string, number] {
  const dest = new Uint8Array(20).fill(0xee);
  const end = writeHeader(dest, 3, fin, opcode, length, masked, key);
  assert.equal(toHex(dest, 0, 3), "eeeeee", "nothing before the offset is touched");
  assert.equal(toHex(dest, end), "ee".repeat(20 - end), "nothing after the header is touched");
  return [toHex(dest, 3, end), end];
}

describe("Frame headers", function () {
  for (const [length, field, size] of LENGTHS) {
    it(`need ${size} bytes for a ${length}-byte payload, ${size + 4} when masked`, function () {
      assert.equal(headerSize(length, false), size);
      assert.equal(headerSize(length, true), size + 4);
    });

    it(`write a ${length}-byte payload's length as ${field}, masked or not, and read it back`, function () {
      assert.deepEqual(written(true, 2, length, false), [`82${field}`, 3 + size]);
      const maskedField = (parseInt(field.slice(0, 2), 16) | 0x80).toString(16) + field.slice(2);
      assert.deepEqual(written(true, 2, length, true, 0x11223344), [`82${maskedField}11223344`, 3 + size + 4]);
      const header = fromHex(`ffff82${field}`);
      assert.equal(headerLength(header[3]), size);
      assert.equal(frameLength(header, 2), length);
    });
  }

  it("write FIN and the opcode in the first byte: a continuation without FIN is 00, a final text 81, a ping 89", function () {
    assert.equal(written(false, 0, 1, false)[0], "0001");
    assert.equal(written(true, 1, 1, false)[0], "8101");
    assert.equal(written(true, 9, 0, false)[0], "8900");
  });

  it("write the mask key's bytes in network order, the top bit too", function () {
    assert.equal(written(true, 2, 5, true, 0xfedcba98)[0], "8285fedcba98");
    assert.equal(written(true, 2, 5, true, 0)[0], "828500000000");
  });

  it("take the header's length from its second byte alone: 2, 4 or 10 bytes, plus 4 with the MASK bit", function () {
    for (const [b1, n] of [[0x00, 2], [0x7d, 2], [0x7e, 4], [0x7f, 10], [0x80, 6], [0xfd, 6], [0xfe, 8], [0xff, 14]]) {
      assert.equal(headerLength(b1), n, `second byte ${b1.toString(16)}`);
    }
  });

  it("read a 64-bit length with its top bit set as -1, which the receiver refuses", function () {
    assert.equal(frameLength(fromHex("827f8000000000000000"), 0), -1);
    assert.equal(frameLength(fromHex("82ff8000000000000001"), 0), -1, "with the MASK bit too");
    assert.equal(frameLength(fromHex("827fffffffffffffffff"), 0), -1);
  });

  it("read a 64-bit length past 2^53 as Number.MAX_SAFE_INTEGER: too big for any limit, never a smaller number", function () {
    assert.equal(frameLength(fromHex("827f0020000000000000"), 0), Number.MAX_SAFE_INTEGER);
    assert.equal(frameLength(fromHex("827f7fffffffffffffff"), 0), Number.MAX_SAFE_INTEGER);
    assert.equal(frameLength(fromHex("827f001fffffffffffff"), 0), 2 ** 53 - 1, "2^53 - 1 is still exact");
  });

  it("name the rule a rejected first or second byte broke, with its code and close code 1002", function () {
    const cases: [string, string][] = [
      ["c180", "WS_ERR_UNEXPECTED_RSV"], ["9180", "WS_ERR_UNEXPECTED_RSV"], ["a100", "WS_ERR_UNEXPECTED_RSV"],
      ["8380", "WS_ERR_INVALID_OPCODE"], ["8780", "WS_ERR_INVALID_OPCODE"], ["8b80", "WS_ERR_INVALID_OPCODE"], ["8f80", "WS_ERR_INVALID_OPCODE"],
      ["0880", "WS_ERR_EXPECTED_FIN"], ["0980", "WS_ERR_EXPECTED_FIN"], ["0a80", "WS_ERR_EXPECTED_FIN"],
      ["8180", "WS_ERR_UNEXPECTED_MASK"], ["8100", "WS_ERR_EXPECTED_MASK"],
    ];
    for (const [bytes, code] of cases) {
      const [b0, b1] = fromHex(bytes);
      const p = headerProblem(b0, b1);
      assert.deepEqual([p.code, p.status, p.remote], [code, 1002, true], bytes);
    }
  });
});
