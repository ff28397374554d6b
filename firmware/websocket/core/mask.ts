// XOR masking (RFC 6455 5.3), a 32-bit word at a time where the bytes allow it. XS meters a step
// per bytecode and about 20 per call: the key's bytes are shifted out inline, not fetched by a call.

/** Uint32Array words read bytes little-endian here (every target we build for): word-wise masking relies on it. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * XORs bytes[start, end) with the key, starting at key byte `phase` (the payload offset mod 4, so
 * a frame masked in pieces comes out as if masked whole). `words`, when given, must view the same
 * memory as `bytes` from a 4-byte-aligned offset: the middle of the range is then masked a word
 * at a time, and only the unaligned ends byte by byte.
 */
export function applyMask(bytes: Uint8Array, words: Uint32Array | null, start: number, end: number,
  key: number, phase: number): void {
  // the key turned so that its top byte applies at `start`
  let k = (phase & 3) === 0 ? key : ((key << (8 * (phase & 3))) | (key >>> (32 - 8 * (phase & 3)))) >>> 0;
  let i = start;
  if (words !== null && LITTLE_ENDIAN && end - start >= 8) {
    const base = bytes.byteOffset - words.byteOffset; // words[j] covers bytes[4j - base ...]
    while (((i + base) & 3) !== 0) {
      bytes[i++] ^= k >>> 24;
      k = ((k << 8) | (k >>> 24)) >>> 0;
    }
    // the key's bytes in memory order, read as a little-endian word
    const w = (k >>> 24) | ((k >>> 8) & 0xff00) | ((k << 8) & 0xff0000) | (k << 24);
    let j = (i + base) >> 2;
    const last = (end + base) >> 2;
    for (const four = last - 3; j < four; j += 4) {
      words[j] ^= w;
      words[j + 1] ^= w;
      words[j + 2] ^= w;
      words[j + 3] ^= w;
    }
    while (j < last) words[j++] ^= w;
    i = (j << 2) - base;
  }
  while (i < end) {
    bytes[i++] ^= k >>> 24;
    k = ((k << 8) | (k >>> 24)) >>> 0;
  }
}

/**
 * A client's small frame: writes the key at bytes[at, at + 4) and masks the n bytes after it, where
 * `at` lies on a word of `words` (the same memory from offset 0; the client's output area starts 2
 * bytes past a word so that after a 2-byte header the key and payload do). The key is one word write
 * and the payload whole words then up to 3 bytes: no alignment to find. Little-endian hosts only.
 */
export function keyThenMask(bytes: Uint8Array, words: Uint32Array, at: number, n: number, key: number): void {
  // the key's bytes in header order (big-endian) in memory, read as a little-endian word
  const w = (key >>> 24) | ((key >>> 8) & 0xff00) | ((key << 8) & 0xff0000) | (key << 24);
  let j = at >> 2;
  words[j++] = w;
  for (const last = j + (n >> 2); j < last; j++) words[j] ^= w;
  for (let i = j << 2, k = w, end = at + 4 + n; i < end; i++, k >>>= 8) bytes[i] ^= k & 0xff;
}

/**
 * A server's small frame, unmasked in place: memory[from, to) (to > from) XORed with the key at
 * memory[keyAt, keyAt + 4), where `words` views the same memory from offset 0. Whole words only:
 * the bytes of the first and last word outside the range are XORed with 0, so there is no byte loop
 * and no alignment to find (16 B at an odd offset: ~230 steps against applyMask's ~420). Little-endian hosts only.
 */
export function unmaskWords(memory: Uint8Array, words: Uint32Array, from: number, to: number, keyAt: number): void {
  // the key's bytes in memory order as a little-endian word, turned so that its first byte falls on `from`
  const k = memory[keyAt] | (memory[keyAt + 1] << 8) | (memory[keyAt + 2] << 16) | (memory[keyAt + 3] << 24);
  const s = (from & 3) << 3;
  const w = (k << s) | (k >>> (32 - s)); // s = 0: a shift by 32 is one by 0 in JS, and w is k
  let j = from >> 2;
  const last = (to - 1) >> 2;
  const tail = 0xffffffff >>> ((3 - ((to - 1) & 3)) << 3); // the last word's bytes up to to - 1
  if (j === last) {
    words[j] ^= w & (-1 << s) & tail;
    return;
  }
  words[j++] ^= w & (-1 << s);
  for (; j < last; j++) words[j] ^= w;
  words[j] ^= w & tail;
}
