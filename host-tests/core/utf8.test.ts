import assert from "node:assert/strict";
import { asciiWords, UTF8_ACCEPT, UTF8_REJECT, utf8Decode, utf8EncodeInto, utf8Length, utf8Validate } from "../../firmware/websocket/core/utf8.js";
import { fromHex } from "../../fixtures/hex.js";

const validate = (hex: string) => {
  const b = fromHex(hex);
  return utf8Validate(UTF8_ACCEPT, b, 0, b.length);
};

describe("UTF-8", function () {
  it("accepts what TextDecoder accepts and rejects what it rejects, for every 1- to 3-byte sequence start", function () {
    const fatal = new TextDecoder("utf-8", { fatal: true });
    for (let a = 0; a < 256; a++) {
      for (const tail of [[], [0x80], [0xbf, 0x80], [0xa0, 0x80], [0x90, 0x80, 0x80], [0x8f, 0xbf, 0xbf], [0x41]]) {
        const bytes = Uint8Array.from([a, ...tail]);
        let ok = true;
        try { fatal.decode(bytes); } catch { ok = false; }
        assert.equal(utf8Validate(UTF8_ACCEPT, bytes, 0, bytes.length) === UTF8_ACCEPT, ok, Buffer.from(bytes).toString("hex"));
      }
    }
  });

  it("rejects at the first invalid byte, not at the end", function () {
    const b = fromHex("cebae1bdb9cf83cebcceb5eda080656469746564");
    let state = UTF8_ACCEPT;
    let failedAt = -1;
    for (let i = 0; i < b.length && failedAt < 0; i++) {
      state = utf8Validate(state, b, i, i + 1);
      if (state === UTF8_REJECT) failedAt = i;
    }
    assert.equal(failedAt, 12); // ed a0: a surrogate half, known bad at its second byte
  });

  it("carries a sequence across pieces", function () {
    const b = fromHex("f0a4ada2");
    let s = UTF8_ACCEPT;
    for (let i = 0; i < 4; i++) s = utf8Validate(s, b, i, i + 1);
    assert.equal(s, UTF8_ACCEPT);
    assert.notEqual(validate("f0a4ad"), UTF8_ACCEPT);
    assert.equal(validate("f4908080"), UTF8_REJECT); // past U+10FFFF
    assert.equal(validate("c0af"), UTF8_REJECT); // overlong
  });

  it("gives the same verdict word-wise as byte-wise, at every alignment and with a bad byte anywhere", function () {
    const words = new Uint32Array(24);
    const bytes = new Uint8Array(words.buffer);
    const text = new TextEncoder().encode("plain ascii then κόσμε and 😀 ascii tail");
    for (let start = 0; start < 8; start++) {
      for (let bad = -1; bad < text.length; bad += 3) {
        bytes.fill(0x41);
        bytes.set(text, start);
        if (bad >= 0) bytes[start + bad] = 0xff;
        const end = start + text.length;
        assert.equal(utf8Validate(UTF8_ACCEPT, bytes, start, end, words), utf8Validate(UTF8_ACCEPT, bytes, start, end),
          `start ${start} bad ${bad}`);
      }
    }
  });

  it("finds a high byte anywhere in a long ASCII run word-wise (eight words a test), at every alignment", function () {
    const words = new Uint32Array(64);
    const bytes = new Uint8Array(words.buffer);
    for (let start = 0; start < 8; start++) {
      for (let bad = -1; bad < 120; bad++) {
        bytes.fill(0x41);
        if (bad >= 0) bytes[start + bad] = 0x80;
        const verdict = utf8Validate(UTF8_ACCEPT, bytes, start, start + 120, words);
        assert.equal(verdict, bad < 0 ? UTF8_ACCEPT : UTF8_REJECT, `start ${start} bad ${bad}`);
      }
    }
  });

  it("tells ASCII by whole words, every offset to 8 and length to 40, a high bit anywhere in or just outside the range", function () {
    const words = new Uint32Array(16);
    const bytes = new Uint8Array(words.buffer);
    for (let from = 0; from < 8; from++) {
      for (let length = 1; length <= 40; length++) {
        bytes.fill(0x41);
        assert.equal(asciiWords(words, from, from + length), true, `from ${from} length ${length}`);
        for (let at = Math.max(0, from - 4); at < Math.min(bytes.length, from + length + 4); at++) {
          bytes.fill(0x41);
          bytes[at] = 0x80;
          const inside = at >= from && at < from + length;
          assert.equal(asciiWords(words, from, from + length), !inside, `from ${from} length ${length} high bit at ${at}`);
        }
      }
    }
  });

  it("encodes like TextEncoder, lone surrogates as U+FFFD, and decodes back", function () {
    for (const text of ["", "Hello", "κόσμε", "€", "𤭢 and 😀", "a\ud800b", "\udc00", "x".repeat(3000)]) {
      const expected = new TextEncoder().encode(text);
      assert.equal(utf8Length(text), expected.length);
      const out = new Uint8Array(expected.length + 4);
      const cursor = new Uint32Array(2);
      const written = utf8EncodeInto(text, 0, out, 2, out.length, cursor, 1);
      assert.deepEqual(out.subarray(2, 2 + written), expected);
      assert.equal(cursor[1], text.length);
      assert.equal(utf8Decode(expected, 0, expected.length), new TextDecoder().decode(expected));
    }
  });

  it("stops before a character that does not fit whole", function () {
    const cursor = new Uint32Array(1);
    const out = new Uint8Array(5);
    const written = utf8EncodeInto("ab😀", 0, out, 0, 5, cursor, 0);
    assert.deepEqual([cursor[0], written], [2, 2]);
  });
});
