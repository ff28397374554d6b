// Hex helpers that run on Node and under XS alike (no Buffer).

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return s;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic xorshift32, for tests only: the firmware takes a strong source. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Masks payload with key as a client would, returning a new frame (for building test input). */
export function maskedFrame(b0: number, payload: Uint8Array, key: number[]): Uint8Array {
  const n = payload.length;
  const lenBytes = n < 126 ? [0x80 | n] : n < 65536 ? [0xfe, n >> 8, n & 0xff]
    : [0xff, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const masked = payload.map((b, i) => b ^ key[i & 3]);
  return concat(Uint8Array.from([b0, ...lenBytes, ...key]), masked);
}

/** The same frame unmasked, as a server sends it. */
export function plainFrame(b0: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const lenBytes = n < 126 ? [n] : n < 65536 ? [126, n >> 8, n & 0xff]
    : [127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return concat(Uint8Array.from([b0, ...lenBytes]), payload);
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Hex for short payloads; length and FNV-1a hash for long ones, which keeps transcripts small. */
export function digest(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= 64) return toHex(bytes, start, end);
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return `#${end - start}:${h.toString(16)}`;
}
