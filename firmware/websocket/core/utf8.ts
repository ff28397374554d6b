// Incremental UTF-8 validation (Bjoern Hoehrmann's DFA), and UTF-8 encoding of JS strings into a
// caller's buffer. Validation carries its state across pieces and frames, so a text message fails
// on the first byte that cannot start or continue a valid sequence.

export const UTF8_ACCEPT = 0;
export const UTF8_REJECT = 12;

/** Bytes 0..255 map to character classes; entries 256.. map (state + class) to the next state. */
const DFA = /* @__PURE__ */ buildTable();

function buildTable(): Uint8Array {
  const t = new Uint8Array(256 + 108);
  const classes: [number, number, number][] = [
    [0x80, 0x8f, 1], [0x90, 0x9f, 9], [0xa0, 0xbf, 7], [0xc0, 0xc1, 8], [0xc2, 0xdf, 2],
    [0xe0, 0xe0, 10], [0xe1, 0xec, 3], [0xed, 0xed, 4], [0xee, 0xef, 3], [0xf0, 0xf0, 11],
    [0xf1, 0xf3, 6], [0xf4, 0xf4, 5], [0xf5, 0xff, 8],
  ];
  for (const [from, to, cls] of classes) t.fill(cls, from, to + 1);
  const transitions = [
    0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
    12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
  ];
  t.set(transitions, 256);
  return t;
}

/**
 * Advances the validator over bytes[start, end). Returns the new state: UTF8_ACCEPT at a code point
 * boundary, UTF8_REJECT as soon as a byte is invalid, another value inside a sequence. `words`,
 * when given, views the same memory from an aligned offset, so ASCII is checked 4 bytes at a time.
 */
export function utf8Validate(state: number, bytes: Uint8Array, start: number, end: number,
  words: Uint32Array | null = null): number {
  const dfa = DFA;
  let i = start;
  while (i < end) {
    if (state === UTF8_ACCEPT) {
      // ASCII runs, the common case: a word or a byte per compare (every bytecode is a step on XS)
      if (words !== null && end - i >= 16) {
        const base = bytes.byteOffset - words.byteOffset;
        while (((i + base) & 3) !== 0 && bytes[i] < 0x80) i++;
        if (((i + base) & 3) === 0) {
          let j = (i + base) >> 2;
          const last = (end + base) >> 2;
          // sixteen words a test, then eight: ASCII text costs XS ~2.3 steps a byte (eight: ~2.5, four: ~2.9);
          // each word read is two steps (the bytecode and the typed array getter), so script goes little lower
          for (const sixteen = last - 15; j < sixteen && ((words[j] | words[j + 1] | words[j + 2] | words[j + 3]
            | words[j + 4] | words[j + 5] | words[j + 6] | words[j + 7] | words[j + 8] | words[j + 9] | words[j + 10]
            | words[j + 11] | words[j + 12] | words[j + 13] | words[j + 14] | words[j + 15]) & 0x80808080) === 0;) j += 16;
          for (const eight = last - 7; j < eight && ((words[j] | words[j + 1] | words[j + 2] | words[j + 3]
            | words[j + 4] | words[j + 5] | words[j + 6] | words[j + 7]) & 0x80808080) === 0;) j += 8;
          while (j < last && (words[j] & 0x80808080) === 0) j++;
          i = (j << 2) - base;
        }
      }
      while (i < end && bytes[i] < 0x80) i++;
      if (i === end) return state;
    }
    state = dfa[256 + state + dfa[bytes[i++]]];
    if (state === UTF8_REJECT) return state;
  }
  return state;
}

/**
 * Whether bytes[from, to) (to > from) are all ASCII, read as whole words of `words`, which views the
 * same memory from offset 0: the bytes of the first and last word outside the range are masked off.
 * A small text frame's check without utf8Validate's alignment search (16 B: ~100 steps fewer).
 */
export function asciiWords(words: Uint32Array, from: number, to: number): boolean {
  // three locals and the masks inline: under XS each local and each parameter costs steps of its own
  const last = (to - 1) >> 2;
  let j = from >> 2;
  let high = words[j] & (0x80808080 << ((from & 3) << 3)); // the first word's bytes from `from` on
  if (j === last) return (high & (0x80808080 >>> ((3 - ((to - 1) & 3)) << 3))) === 0;
  while (++j < last) high |= words[j];
  return ((high & 0x80808080) | (words[j] & (0x80808080 >>> ((3 - ((to - 1) & 3)) << 3)))) === 0;
}

// Under XS, `text.charCodeAt(i)` and `text.length` box the string on every access (2 slots each);
// calling the cached method with the string as `this` does not, and a read past the end gives NaN.
const charCodeAt = String.prototype.charCodeAt;

// Two string models meet here. Node and xsnap (built with mxCESU8) keep strings as UTF-16: a code
// point above U+FFFF is two units, a surrogate pair. Boards and Moddable's simulator keep strings as
// UTF-8: charCodeAt returns the whole code point (0x24b62 for "\u{24b62}") and length counts it once.
// Every function below takes both: a pair is joined, a value above 0xffff is a code point already,
// and a lone surrogate becomes U+FFFD, as TextEncoder does.

/** Number of UTF-8 bytes `text` encodes to from index `from`; lone surrogates count as U+FFFD. */
export function utf8Length(text: string, from = 0): number {
  let n = 0;
  for (let i = from; ; i++) {
    const c = charCodeAt.call(text, i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c > 0xffff) n += 4; // a whole code point: the device's string model
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(charCodeAt.call(text, i + 1))) {
      n += 4;
      i++;
    } else if (c === c) n += 3;
    else return n; // NaN: past the end
  }
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Encodes text from index `from` into dest[at, limit), stopping before a code point that does not
 * fit whole, and returns the bytes written. The index reached in the string goes to cursor[index]
 * when a cursor is given: a word of the caller's, so that encoding allocates nothing.
 */
export function utf8EncodeInto(text: string, from: number, dest: Uint8Array, at: number, limit: number,
  cursor: Uint32Array | null, index: number): number {
  let i = from;
  let o = at;
  for (;;) {
    let c = charCodeAt.call(text, i);
    if (c !== c) break; // NaN: past the end
    if (c < 0x80) {
      if (o >= limit) break;
      dest[o++] = c;
      i++;
      continue;
    }
    let units = 1; // a code point above 0xffff (device strings) is one unit, and takes the 4-byte branch
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = charCodeAt.call(text, i + 1);
      if (c <= 0xdbff && isLowSurrogate(next)) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        units = 2;
      } else c = 0xfffd;
    }
    if (c < 0x800) {
      if (o + 2 > limit) break;
      dest[o++] = 0xc0 | (c >> 6);
    } else if (c < 0x10000) {
      if (o + 3 > limit) break;
      dest[o++] = 0xe0 | (c >> 12);
      dest[o++] = 0x80 | ((c >> 6) & 0x3f);
    } else {
      if (o + 4 > limit) break;
      dest[o++] = 0xf0 | (c >> 18);
      dest[o++] = 0x80 | ((c >> 12) & 0x3f);
      dest[o++] = 0x80 | ((c >> 6) & 0x3f);
    }
    dest[o++] = 0x80 | (c & 0x3f);
    i += units;
  }
  if (cursor !== null) cursor[index] = i;
  return o - at;
}

// Moddable's XS, where strings are UTF-8, converts natively: one call instead of a loop of steps.
// Node and xsnap (UTF-16 strings) have neither function, and take the script path.
const nativeFromArrayBuffer = (String as unknown as
  { fromArrayBuffer?: (buffer: ArrayBufferLike, offset: number, length: number) => string }).fromArrayBuffer;
const nativeFromString = (ArrayBuffer as unknown as { fromString?: (text: string) => ArrayBuffer }).fromString;

/** fromArrayBuffer reads a 0 byte as U+0000 (SDK 8.2.3) instead of stopping there (XS 13): asked once. */
const ZEROS_READ = /* @__PURE__ */ readsZeros();

function readsZeros(): boolean {
  try {
    return nativeFromArrayBuffer?.(new Uint8Array([0x61, 0, 0x62]).buffer, 0, 3) === "a\u0000b";
  } catch {
    return false;
  }
}

/** Decodes bytes that were validated as UTF-8 into a string (allocates: for the app, not the core). */
export function utf8Decode(bytes: Uint8Array, start: number, end: number): string {
  if (nativeFromArrayBuffer !== undefined && end > start) {
    if (ZEROS_READ) return nativeFromArrayBuffer(bytes.buffer, bytes.byteOffset + start, end - start);
    // XS 13's native call stops at a zero byte: such text takes the script path (indexOf: ~8 steps a byte)
    const zero = bytes.indexOf(0, start);
    if (zero < 0 || zero >= end) return nativeFromArrayBuffer(bytes.buffer, bytes.byteOffset + start, end - start);
  }
  return utf8DecodeScript(bytes, start, end);
}

/**
 * utf8Decode in script, for engines without the native call. Code points go to String.fromCodePoint,
 * which builds a pair where strings are UTF-16 and one character where they are UTF-8: fromCharCode
 * with a pair would leave two lone surrogates there.
 */
export function utf8DecodeScript(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  const points: number[] = [];
  let i = start;
  while (i < end) {
    const b = bytes[i];
    let c: number;
    if (b < 0x80) {
      c = b;
      i += 1;
    } else if (b < 0xe0) {
      c = ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      c = ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
      i += 3;
    } else {
      c = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
      i += 4;
    }
    points.push(c);
    // apply() puts every value on the stack: a device's XS stack holds a few hundred values
    if (points.length >= 64) {
      out += String.fromCodePoint.apply(null, points);
      points.length = 0;
    }
  }
  return points.length ? out + String.fromCodePoint.apply(null, points) : out;
}

// Where XS has String.prototype.isWellFormed (SDK 8.2.3's XS 17; not the XS 13 xsnap ships), one native
// call tells whether a string holds a surrogate that would come out of fromString as ED A0..BF xx.
const nativeIsWellFormed = (String.prototype as unknown as { isWellFormed?: () => boolean }).isWellFormed;

/** fromString writes U+0000 as one 0 byte (SDK 8.2.3), not as XS's internal C0 80 (XS 13): asked once. */
const NULLS_MAPPED = nativeFromString !== undefined
  && new Uint8Array(nativeFromString.call(ArrayBuffer, "\u0000")).length === 1;

/**
 * The UTF-8 bytes of `text` from the engine's native conversion, in one new buffer (it allocates:
 * a loop over charCodeAt costs XS ~80 steps a character, and on a device, where indexing a UTF-8
 * string walks it from its start, it is quadratic too), or null where the engine has none (Node,
 * xsnap) or where its bytes would not be UTF-8: XS keeps a lone surrogate as ED A0..BF xx (and XS 13
 * U+0000 as C0 80). isWellFormed finds the first in one native call; without it, or for C0 80, the
 * bytes are validated. Such text takes the script path, which writes U+FFFD and U+0000.
 */
export function utf8Native(text: string): Uint8Array | null {
  if (nativeFromString === undefined || text == null) return null; // null: the caller's check throws WS_ERR_INVALID_DATA
  if (nativeIsWellFormed !== undefined && !nativeIsWellFormed.call(text)) return null;
  // with ArrayBuffer as its this: the native makes its result with `new this(length)`
  const bytes = new Uint8Array(nativeFromString.call(ArrayBuffer, text));
  if (NULLS_MAPPED && nativeIsWellFormed !== undefined) return bytes;
  return utf8Validate(UTF8_ACCEPT, bytes, 0, bytes.length) === UTF8_ACCEPT ? bytes : null;
}

/** Encodes a whole string to a new Uint8Array (allocates: for handshakes and the app). */
export function utf8Encode(text: string): Uint8Array {
  return utf8Native(text) ?? utf8EncodeScript(text);
}

/** utf8Encode in script, for engines without the native call. */
export function utf8EncodeScript(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  utf8EncodeInto(text, 0, out, 0, out.length, null, 0);
  return out;
}
