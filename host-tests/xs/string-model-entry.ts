// Under XS: what the engine's string model and its native text conversions give, for the Node side to
// check against the device (UTF-8 strings) or xsnap (CESU-8) model. Escapes only: no source-encoding doubt.
const astral = "\u{24b62}"; // 𤭢, CJK extension B: 4 bytes of UTF-8
const lone = "\ud800";
const bytes = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer));

function decoded(input: number[], offset?: number, length?: number): string | number[] {
  try {
    const text = String.fromArrayBuffer!(new Uint8Array(input).buffer, offset, length);
    return Array.from(text, (c) => c.codePointAt(0)!);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

const natives = ArrayBuffer.fromString === undefined || String.fromArrayBuffer === undefined ? undefined : {
  encoded: ["A", "\u00e9", "\u20ac", astral, "a\u0000b", "\u{1f600}"].map((t) => bytes(ArrayBuffer.fromString!(t))),
  lone: bytes(ArrayBuffer.fromString(lone)),
  decoded: decoded([0x68, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0xa4, 0xad, 0xa2]),
  nul: decoded([0x61, 0x00, 0x62]),
  window: decoded([0x61, 0x62, 0x63, 0x64], 1, 2),
  truncated: decoded([0xe2, 0x82]),
  badContinuation: decoded([0xc3, 0x41]),
  surrogateBytes: decoded([0xed, 0xa0, 0x80]),
  roundTrip: String.fromArrayBuffer(ArrayBuffer.fromString("x" + astral + "\u0000y")) === "x" + astral + "\u0000y",
  // SDK 8.2.3's String.prototype.isWellFormed: plain, astral, U+0000, lone, a pair joined at run time
  wellFormed: ["abc", astral, "a\u0000b", "x" + lone, String.fromCharCode(0xd83d) + String.fromCharCode(0xde00)]
    .map((t) => (String.prototype as { isWellFormed?: () => boolean }).isWellFormed?.call(t)),
};

const result = {
  astralLength: astral.length,
  astralCharCode: astral.charCodeAt(0),
  astralCodePoint: astral.codePointAt(0),
  loneLength: lone.length,
  loneCharCode: ("x" + lone + "y").charCodeAt(1),
  pairFromCharCode: String.fromCharCode(0xd852, 0xdf62).length,
  natives,
};
print("RESULT " + JSON.stringify(result));
