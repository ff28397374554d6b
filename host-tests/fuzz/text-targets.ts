// Fuzz targets for UTF-8: the incremental validator against the WHATWG decoder (the same verdict,
// and the same first bad byte), whatever the split and with or without the word-wise path; the
// decoder and encoder against TextDecoder and TextEncoder, lone surrogates included.

import assert from "node:assert/strict";
import fc from "fast-check";
import { UTF8_ACCEPT, UTF8_REJECT, utf8Decode, utf8Encode, utf8EncodeInto, utf8Length, utf8Validate } from "../../firmware/websocket/core/utf8.js";
import { cutPoints, type FuzzTarget } from "./fuzz-target.js";

const encoder = new TextEncoder();

/** Text, with bytes replaced or inserted: mostly valid, with errors placed anywhere. */
const nearlyUtf8 = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.string({ unit: "binary", maxLength: 80, size: "medium" }), fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.boolean()), { maxLength: 2 }))
    .map(([text, edits]) => {
      const bytes = [...encoder.encode(text)];
      for (const [at, value, insert] of edits) bytes.splice(at % (bytes.length + 1), insert ? 0 : 1, value);
      return Uint8Array.from(bytes);
    }),
);

/** Index of the byte at which a fatal streaming TextDecoder gives up, fed one byte at a time; -1 if none. */
function firstBadByte(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return -1;
}

function isValid(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Our validator over pieces cut at `cuts`; the state at the end and the index of the rejected byte. */
function validate(bytes: Uint8Array, cuts: number[], words: Uint32Array | null, at: number) {
  let state = UTF8_ACCEPT;
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    state = utf8Validate(state, words === null ? bytes : new Uint8Array(words.buffer), at + from, at + to, words);
    if (state === UTF8_REJECT) break;
    from = to;
  }
  return state;
}

export const textTargets: FuzzTarget[] = [
  {
    name: "the UTF-8 validator agrees with the WHATWG decoder on every split, failing at the same byte", runs: 5000,
    property: () => fc.property(nearlyUtf8, fc.array(fc.nat(), { maxLength: 4 }), fc.nat(3), (bytes, rawCuts, offset) => {
      const cuts = cutPoints(rawCuts, bytes.length);
      const state = validate(bytes, cuts, null, 0);
      assert.equal(state === UTF8_ACCEPT, isValid(bytes));
      const bad = firstBadByte(bytes);
      // byte by byte, the first rejected byte is the decoder's first bad byte
      let s = UTF8_ACCEPT;
      let rejectedAt = -1;
      for (let i = 0; i < bytes.length && rejectedAt < 0; i++) if ((s = utf8Validate(s, bytes, i, i + 1)) === UTF8_REJECT) rejectedAt = i;
      assert.equal(rejectedAt, bad);
      assert.equal(state === UTF8_REJECT, bad >= 0);
      // the word-wise path, from any alignment, gives the same verdict
      const words = new Uint32Array((bytes.length + offset + 4) >> 2);
      new Uint8Array(words.buffer).set(bytes, offset);
      assert.equal(validate(bytes, cuts, words, offset), state);
      if (state === UTF8_ACCEPT) assert.equal(utf8Decode(bytes, 0, bytes.length), new TextDecoder().decode(bytes));
    }),
  },
  {
    name: "the UTF-8 encoder agrees with TextEncoder, lone surrogates included, and stops at a whole code point", runs: 5000,
    property: () => fc.property(
      fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), fc.array(fc.nat(0xffff), { maxLength: 40 }).map((u) => String.fromCharCode(...u))),
      fc.nat(200),
      (text, limit) => {
        const expected = encoder.encode(text);
        assert.deepEqual(utf8Encode(text), expected);
        assert.equal(utf8Length(text), expected.length);
        const dest = new Uint8Array(limit + 4);
        const cursor = new Uint32Array(1);
        const written = utf8EncodeInto(text, 0, dest, 0, limit, cursor, 0);
        const read = cursor[0];
        assert.ok(written <= limit);
        assert.deepEqual(dest.subarray(0, written), encoder.encode(text.slice(0, read)));
        if (read < text.length) { // it stopped because the next code point did not fit whole
          const units = text.codePointAt(read)! > 0xffff ? 2 : 1;
          assert.ok(utf8Length(text.slice(0, read + units)) > limit);
        }
      }),
  },
];
