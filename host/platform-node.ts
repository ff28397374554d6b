// The platform on Node: node:crypto for SHA-1 and for random bits, drawn in batches, and masking in
// place and copying with the firmware's native/mask.c and native/copy.c contracts, so that the host
// runs the paths a board runs.

import { createHash, randomFillSync } from "node:crypto";
import { applyMask } from "../firmware/websocket/core/mask.js";
import type { Platform } from "../firmware/websocket/platform.js";

const pool = new Uint32Array(256);
let next = pool.length;

/** bytes[from, to) ^= keys[keyAt, keyAt + 4), its byte `phase` first: native/mask.c in script, its RangeErrors too. */
function mask(bytes: Uint8Array, from: number, to: number, keys: Uint8Array, keyAt: number, phase: number): number {
  if (!(keyAt >= 0 && keyAt + 4 <= keys.length)) throw new RangeError("invalid key offset");
  if (!(phase >= 0 && phase <= 3)) throw new RangeError("invalid phase");
  if (!(from >= 0 && from <= to && to <= bytes.length)) throw new RangeError("invalid range");
  const k = [keys[keyAt], keys[keyAt + 1], keys[keyAt + 2], keys[keyAt + 3]]; // first: the range may cover them
  if (to - from >= 32) { // a word at a time (a view over the same memory)
    const base = bytes.byteOffset & ~3;
    const words = new Uint32Array(bytes.buffer, base, (bytes.buffer.byteLength - base) >> 2);
    applyMask(bytes, words, from, to, ((k[0] << 24) | (k[1] << 16) | (k[2] << 8) | k[3]) >>> 0, phase);
    return (phase + to - from) & 3;
  }
  let j = phase;
  for (let i = from; i < to; i++, j = (j + 1) & 3) bytes[i] ^= k[j];
  return j;
}

/** dst[at, at + to - from) = src[from, to): native/copy.c in script, its RangeError too (src an array or its buffer). */
function copy(source: Uint8Array, from: number, to: number, target: Uint8Array, at: number): void {
  // their bytes, as the native takes any view's or a buffer's
  const src = ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source as ArrayBufferLike);
  const dst = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  if (!(from >= 0 && from <= to && to <= src.length && at >= 0 && at + to - from <= dst.length)) throw new RangeError("invalid range");
  dst.set(src.subarray(from, to), at);
}

export const nodePlatform: Platform = Object.freeze({
  sha1(data: Uint8Array): Uint8Array {
    return new Uint8Array(createHash("sha1").update(data).digest());
  },
  random32(): number {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++];
  },
  mask,
  copy,
});
