// What the stack needs from the platform it runs on, injected so that the core stays pure. The core
// imports these types only (erased when compiled): it never depends on a platform's code.

/** SHA-1 of the bytes, for Sec-WebSocket-Accept: crypt's Digest, node:crypto, or core/sha1.js. */
export type Sha1 = (data: Uint8Array) => Uint8Array;

/** A 32-bit unsigned integer from a strong random source (hardware RNG on the device). */
export type Random32 = () => number;

/**
 * The logical module's native xor (xs_logical_xor, in C): dst ^= src repeated, over the first
 * `count` bytes of dst (1 <= count <= dst.length; all of dst without it). A client's direct pieces
 * are masked with it; the rest prefers `mask` (no view, no move) where both are. A device calls the native
 * itself (platform-device.ts): SDK 8.2.3's Logical.xor wrapper would drop the count. The native counts
 * its arguments: pass no third one rather than an undefined one, which it reads as 0 (a RangeError).
 */
export type Xor = (dst: Uint8Array, src: Uint8Array, count?: number) => void;

/**
 * A native UTF-8 check with utf8Validate's states (core/utf8.ts): advances `state` over
 * bytes[start, end) and returns it (0 at a code point boundary, 12 once invalid). A board's is the
 * firmware's own C (native/utf8-check.c): one call a piece, where script costs XS ~2.3 steps a byte.
 */
export type Utf8Check = (state: number, bytes: Uint8Array, start: number, end: number) => number;

/**
 * A board's text natives (the firmware's native/text-bytes.c), where XS keeps strings as UTF-8: a
 * string's own bytes copied into a frame, with no buffer made for the message.
 */
export interface TextBytes {
  /** The UTF-8 bytes of `text`, or -1 where XS holds them otherwise (U+0000, a lone surrogate) or for no string. */
  size(text: string): number;
  /** Copies text's bytes [from, to) into dst[at, end), cut before a character that does not fit whole; returns how many. */
  into(text: string, from: number, to: number, dst: Uint8Array, at: number, end: number): number;
}

/**
 * WebSocket masking in place (the firmware's native/mask.c on a board): bytes[from, to) ^= the
 * key at keys[keyAt, keyAt + 4) in frame order, its byte `phase` (0..3) first; returns the phase
 * after the range. keys may be bytes.
 * Where the bytes lie: no view, no copy to line them up (as the xor's target must start at them).
 */
export type Mask = (bytes: Uint8Array, from: number, to: number, keys: Uint8Array, keyAt: number, phase: number) => number;

/** The natives a connection takes from its platform, each where the platform has it. */
export interface Natives {
  /** Unmasks what a server receives (the body of large messages) and masks a client's direct payload, without mask. */
  xor?: Xor;
  /** Masks and unmasks in place, both ways; preferred to xor. */
  mask?: Mask;
  /** Checks received text; utf8Validate in script without it. */
  utf8?: Utf8Check;
  /** Copies a device's strings into frames: no buffer a text message. */
  text?: TextBytes;
}

export interface Platform {
  sha1: Sha1;
  /** Mask keys and handshake keys. */
  random32: Random32;
  /** Native masking where the platform has it: what a server receives, what a client sends direct. */
  xor?: Xor;
  /** Native masking in place (a board's, Node's): preferred to xor where both are given. */
  mask?: Mask;
  /** Native UTF-8 checking of received text where the platform has it (a board); script otherwise. */
  utf8?: Utf8Check;
  /** A board's text natives: text sent without a buffer a message. */
  text?: TextBytes;
}
