import assert from "node:assert/strict";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS, type XsEngine } from "../../fixtures/xs/xs-host.js";

const ENTRY = "build/host-tests/xs/string-model-entry.js";
const RUN_MS = 60_000; // a fraction of a second unloaded

async function facts(engine: XsEngine) {
  return resultOf(await runUnderXs(ENTRY, { engine, timeoutMs: RUN_MS })) as Record<string, any>;
}

describe("The string model of the two XS test engines", function () {
  this.timeout(RUN_MS + XS_KILL_MARGIN_MS);

  it("keeps strings as UTF-8 on the device engine: one character per code point, a lone surrogate kept", async function () {
    const r = await facts("device");
    assert.equal(r.astralLength, 1, '"\\u{24b62}".length');
    assert.equal(r.astralCharCode, 0x24b62, "charCodeAt gives the whole code point");
    assert.equal(r.astralCodePoint, 0x24b62);
    assert.equal(r.loneLength, 1);
    assert.equal(r.loneCharCode, 0xd800, "a lone surrogate survives concatenation");
    assert.equal(r.pairFromCharCode, 1, "String.fromCharCode joins a surrogate pair into one character");
  });

  it("keeps strings as UTF-16 on xsnap's CESU-8 engine, as Node does", async function () {
    const r = await facts("cesu8");
    assert.equal(r.astralLength, 2);
    assert.equal(r.astralCharCode, 0xd852, "charCodeAt gives the high surrogate");
    assert.equal(r.astralCodePoint, 0x24b62);
    assert.equal(r.loneCharCode, 0xd800);
    assert.equal(r.pairFromCharCode, String.fromCharCode(0xd852, 0xdf62).length);
    assert.equal(r.natives, undefined, "no ArrayBuffer.fromString or String.fromArrayBuffer: code takes its fallback");
  });

  it("converts text with ArrayBuffer.fromString and String.fromArrayBuffer on the device engine as SDK 8.2.3 does", async function () {
    const n = (await facts("device")).natives;
    const texts = ["A", "\u00e9", "\u20ac", "\u{24b62}", "a\u0000b", "\u{1f600}"];
    assert.deepEqual(n.encoded, texts.map((t) => Array.from(Buffer.from(t, "utf8"))), "UTF-8 of 1- to 4-byte characters and U+0000");
    assert.deepEqual(n.lone, [0xed, 0xa0, 0x80], "a lone surrogate comes out as its 3 bytes, not as U+FFFD: encode it in JS");
    assert.deepEqual(n.decoded, [0x68, 0xe9, 0x20ac, 0x24b62]);
    assert.deepEqual(n.nul, [0x61, 0, 0x62], "a 0 byte is U+0000, not the end of the text");
    assert.deepEqual(n.window, [0x62, 0x63], "byteOffset and byteLength select the bytes");
    assert.equal(n.truncated, "TypeError: invalid UTF-8");
    assert.equal(n.badContinuation, "TypeError: invalid UTF-8");
    assert.deepEqual(n.surrogateBytes, [0xd800], "no validator: a surrogate's bytes (invalid UTF-8) decode to it");
    assert.equal(n.roundTrip, true);
    // XS keeps a pair joined at run time as two surrogates (ED A0 BD ED B8 80): the SDK's isWellFormed says false, and such text is encoded in JS
    assert.deepEqual(n.wellFormed, [true, true, true, false, false], "isWellFormed: false for a surrogate kept in the string");
  });
});
