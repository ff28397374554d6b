// Frame header encoding: the sizes and bytes of RFC 6455 5.2, written into a caller's buffer.

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
    dest[o++] = 0;
    dest[o++] = 0;
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
