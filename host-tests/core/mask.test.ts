import assert from "node:assert/strict";
import { applyMask, keyThenMask, unmaskWords } from "../../firmware/websocket/core/mask.js";

describe("Masking", function () {
  const key = Uint8Array.from([0x37, 0xfa, 0x21, 0x3d]);
  const key32 = 0x37fa213d;
  const reference = (src: Uint8Array, phase: number) => src.map((b, i) => b ^ key[(i + phase) & 3]);

  it("writes a small frame's key on a word and masks the bytes after it like byte-wise XOR, every length to 40", function () {
    const words = new Uint32Array(16);
    const bytes = new Uint8Array(words.buffer);
    for (let length = 0; length <= 40; length++) {
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
      const before = bytes.slice();
      keyThenMask(bytes, words, 4, length, key32);
      const expected = before.slice();
      expected.set(key, 4);
      expected.set(reference(before.subarray(8, 8 + length), 0), 8);
      assert.deepEqual(bytes, expected, `length ${length}`);
    }
  });

  it("unmasks a small frame by whole words like byte-wise XOR, every offset to 8 and length to 40, bytes around it untouched", function () {
    const words = new Uint32Array(16);
    const bytes = new Uint8Array(words.buffer);
    for (let from = 4; from < 12; from++) {
      for (let length = 1; length <= 40; length++) {
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
        bytes.set(key, from - 4); // the key just before the payload, as in a frame's header
        const before = bytes.slice();
        unmaskWords(bytes, words, from, from + length, from - 4);
        const expected = before.slice();
        expected.set(reference(before.subarray(from, from + length), 0), from);
        assert.deepEqual(bytes, expected, `from ${from} length ${length}`);
      }
    }
  });

  it("matches byte-wise XOR for every start alignment, length and key phase, word-wise or not", function () {
    const words = new Uint32Array(64);
    const bytes = new Uint8Array(words.buffer);
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length < 40; length++) {
        for (let phase = 0; phase < 4; phase++) {
          for (const w of [words, null]) {
            for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
            const before = bytes.slice();
            applyMask(bytes, w, start, start + length, key32, phase);
            const expected = before.slice();
            expected.set(reference(before.subarray(start, start + length), phase), start);
            assert.deepEqual(bytes, expected, `start ${start} length ${length} phase ${phase}`);
          }
        }
      }
    }
  });

  it("masks through a view that starts at an unaligned offset of the word array", function () {
    const words = new Uint32Array(16);
    const view = new Uint8Array(words.buffer, 3, 50);
    view.fill(0xaa);
    applyMask(view, words, 1, 49, key32, 2);
    assert.deepEqual(view.subarray(1, 49), reference(new Uint8Array(48).fill(0xaa), 2));
    assert.equal(view[0], 0xaa);
    assert.equal(view[49], 0xaa);
  });
});
