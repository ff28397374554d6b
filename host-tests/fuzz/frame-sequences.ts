// fast-check arbitraries for WebSocket byte streams built from frames: messages fragmented at random,
// control frames between fragments, close payloads with good and bad codes, text with and without
// invalid UTF-8, and header mistakes (RSV bits, reserved opcodes, the wrong mask bit, long control
// frames). Random bytes alone seldom get past the first header; these reach every state.

import fc from "fast-check";
import { concat } from "../../fixtures/hex.js";
import { cutPoints } from "./fuzz-target.js";

export type Role = "client" | "server";

const encoder = new TextEncoder();
/** Sequences no UTF-8 decoder may accept: a stray continuation, an overlong form, a surrogate, 0xFF. */
const INVALID_UTF8 = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];
const CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999,
  0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535];

interface FrameSpec { b0: number; payload: Uint8Array; masked: boolean; key: number; wide: number }

function frameBytes(f: FrameSpec): Uint8Array {
  const n = f.payload.length;
  const wide = Math.max(f.wide, n < 126 ? 0 : n < 65536 ? 1 : 2);
  const lengthBytes = wide === 0 ? [n] : wide === 1 ? [126, n >> 8, n & 0xff]
    : [127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  if (f.masked) lengthBytes[0] |= 0x80;
  const key = [f.key >>> 24, (f.key >> 16) & 0xff, (f.key >> 8) & 0xff, f.key & 0xff];
  const body = f.masked ? f.payload.map((b, i) => b ^ key[i & 3]) : f.payload;
  return concat(Uint8Array.from([f.b0, ...lengthBytes, ...(f.masked ? key : [])]), body);
}

/** A text payload: valid UTF-8, or valid UTF-8 followed by a sequence no decoder may accept. */
const textPayload = fc.tuple(fc.string({ unit: "binary", maxLength: 200, size: "medium" }),
  fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.constantFrom(...INVALID_UTF8), weight: 1 }))
  .map(([s, bad]) => ({ bytes: encoder.encode(s), bad: bad === null ? null : Uint8Array.from(bad) }));

/** A data message as frames: cut into 1..4 fragments, with control frames placed between them. */
const dataMessage = fc.record({
  binary: fc.boolean(),
  text: textPayload,
  binaryBytes: fc.uint8Array({ maxLength: 700, size: "large" }),
  cuts: fc.array(fc.nat(), { maxLength: 3 }),
  between: fc.array(fc.nat(), { maxLength: 2 }),
}).map((m) => ({ kind: "data" as const, ...m }));

const closePayload = fc.oneof(
  fc.tuple(fc.constantFrom(...CLOSE_CODES), fc.string({ maxLength: 40 }), fc.boolean())
    .map(([code, reason, bad]) => concat(Uint8Array.from([code >> 8, code & 0xff]), encoder.encode(reason),
      bad ? Uint8Array.of(0xff) : new Uint8Array(0))),
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ minLength: 1, maxLength: 1 }),
  fc.uint8Array({ minLength: 124, maxLength: 130 }),
);

const controlFrame = fc.oneof(
  fc.record({ opcode: fc.constantFrom(0x9, 0xa), payload: fc.uint8Array({ maxLength: 127 }) }),
  fc.record({ opcode: fc.constant(0x8), payload: closePayload }),
).map((c) => ({ kind: "control" as const, ...c }));

/** A header mistake applied to one frame: RSV bits, a reserved opcode, FIN cleared, the wrong mask bit. */
const mistake = fc.record({
  frame: fc.nat(),
  what: fc.constantFrom("rsv", "opcode", "fin", "mask", "wide"),
  value: fc.nat(255),
});

export interface StreamCase { bytes: Uint8Array; cuts: number[] }

/** Frames a peer of the other role sends to `role`, split at random offsets. */
export function frameStream(role: Role): fc.Arbitrary<StreamCase> {
  return fc.record({
    items: fc.array(fc.oneof({ arbitrary: dataMessage, weight: 3 }, { arbitrary: controlFrame, weight: 1 }), { minLength: 1, maxLength: 5 }),
    mistakes: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(mistake, { minLength: 1, maxLength: 2 }), weight: 1 }),
    keys: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 4 }),
    cuts: fc.array(fc.nat(), { maxLength: 8 }),
  }).map(({ items, mistakes, keys, cuts }) => {
    const frames: FrameSpec[] = [];
    const masked = role === "server";
    const push = (b0: number, payload: Uint8Array) =>
      frames.push({ b0, payload, masked, key: keys[frames.length % keys.length], wide: 0 });
    for (const item of items) {
      if (item.kind === "control") {
        push(0x80 | item.opcode, item.payload);
        continue;
      }
      const body = item.binary ? item.binaryBytes : concat(item.text.bytes, item.text.bad ?? new Uint8Array(0));
      const ends = cutPoints(item.cuts, body.length);
      // invalid bytes sit in the last fragment, where every decoder must notice them by the frame's end
      const lastStart = item.binary || item.text.bad === null ? body.length : item.text.bytes.length;
      const bounds = [0, ...ends.filter((e) => e > 0 && e <= lastStart), body.length];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const last = k + 2 === bounds.length;
        const opcode = k === 0 ? (item.binary ? 0x2 : 0x1) : 0x0;
        push((last ? 0x80 : 0) | opcode, body.subarray(bounds[k], bounds[k + 1]));
        if (!last && item.between.includes(k)) push(0x89, Uint8Array.of(k));
      }
    }
    for (const m of mistakes) {
      const f = frames[m.frame % frames.length];
      if (m.what === "rsv") f.b0 |= (m.value & 7) << 4 || 0x40;
      else if (m.what === "opcode") f.b0 = (f.b0 & 0xf0) | [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf, 0][m.value % 11];
      else if (m.what === "fin") f.b0 &= 0x7f;
      else if (m.what === "mask") f.masked = !f.masked;
      else f.wide = 1 + (m.value & 1); // a longer length encoding than needed
    }
    const bytes = concat(...frames.map(frameBytes));
    return { bytes, cuts: cutPoints(cuts, bytes.length).filter((c) => c > 0) };
  });
}
