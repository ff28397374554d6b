// Frame headers (RFC 6455 5.2): their sizes, writing one into a caller's buffer, reading lengths.

import { FrameErrors, type WebSocketProblem } from "./errors.js";

/** Header size for a payload length: 2, 4 or 10 bytes, plus 4 for a mask key. */
export function headerSize(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a header at dest[at] and returns the offset where the payload starts. With `masked`,
 * the 32-bit `key` is written after the length and the MASK bit set.
 */
export function writeHeader(dest: Uint8Array, at: number, fin: boolean, opcode: number, length: number,
  masked: boolean, key: number): number {
  dest[at] = (fin ? 0x80 : 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  let o = at + 2;
  if (length < 126) {
    dest[at + 1] = maskBit | length;
  } else if (length < 0x10000) {
    dest[at + 1] = maskBit | 126;
    dest[o++] = length >> 8;
    dest[o++] = length & 0xff;
  } else {
    dest[at + 1] = maskBit | 127;
    const high = Math.floor(length / 0x100000000);
    const low = length - high * 0x100000000;
    dest[o++] = (high >>> 24) & 0xff;
    dest[o++] = (high >> 16) & 0xff;
    dest[o++] = (high >> 8) & 0xff;
    dest[o++] = high & 0xff;
    dest[o++] = (low >>> 24) & 0xff;
    dest[o++] = (low >> 16) & 0xff;
    dest[o++] = (low >> 8) & 0xff;
    dest[o++] = low & 0xff;
  }
  if (masked) {
    dest[o++] = key >>> 24;
    dest[o++] = (key >> 16) & 0xff;
    dest[o++] = (key >> 8) & 0xff;
    dest[o++] = key & 0xff;
  }
  return o;
}

/** Header length implied by the second header byte. */
export function headerLength(b1: number): number {
  const len = b1 & 0x7f;
  const base = len < 126 ? 2 : len === 126 ? 4 : 10;
  return b1 >= 0x80 ? base + 4 : base;
}

/**
 * Payload length of the complete header at h[at]; -1 when a 64-bit length has its top bit set.
 * Past 2^53 a length cannot be held exactly; no buffer comes near, so it is simply too big.
 */
export function frameLength(h: Uint8Array, at: number): number {
  const length = h[at + 1] & 0x7f;
  const o = at + 2;
  if (length < 126) return length;
  if (length === 126) return (h[o] << 8) | h[o + 1];
  if (h[o] >= 0x80) return -1;
  const high = h[o] * 0x1000000 + ((h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]);
  if (high >= 0x200000) return Number.MAX_SAFE_INTEGER;
  return high * 0x100000000 + h[o + 4] * 0x1000000 + ((h[o + 5] << 16) | (h[o + 6] << 8) | h[o + 7]);
}

/** 1 for a first header byte that may start a frame: no RSV bit, a defined opcode, FIN on control. */
export const FIRST_BYTE_OK = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (const opcode of [0, 1, 2]) t[opcode] = t[0x80 | opcode] = 1;
  for (const opcode of [8, 9, 10]) t[0x80 | opcode] = 1;
  return t;
})();

/** Which rule a rejected first or second header byte broke. */
export function headerProblem(b0: number, b1: number): WebSocketProblem {
  const opcode = b0 & 0x0f;
  if ((b0 & 0x70) !== 0) return FrameErrors.RSV_SET;
  if ((opcode > 2 && opcode < 8) || opcode > 10) return FrameErrors.INVALID_OPCODE;
  if (opcode >= 8 && b0 < 0x80) return FrameErrors.CONTROL_FRAGMENTED;
  return b1 >= 0x80 ? FrameErrors.UNEXPECTED_MASK : FrameErrors.EXPECTED_MASK;
}
