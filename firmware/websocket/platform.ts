// What the stack needs from the platform it runs on, injected so that the core stays pure. The core
// imports these types only (erased when compiled): it never depends on a platform's code.

/** SHA-1 of the bytes, for Sec-WebSocket-Accept: crypt's Digest, node:crypto, or core/sha1.js. */
export type Sha1 = (data: Uint8Array) => Uint8Array;

/** A 32-bit unsigned integer from a strong random source (hardware RNG on the device). */
export type Random32 = () => number;

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
 * after the range. keys may be bytes. Where the bytes lie: no view, no copy to line them up (as
 * Moddable's Logical.xor needs, whose target must start at them).
 */
export type Mask = (bytes: Uint8Array, from: number, to: number, keys: Uint8Array, keyAt: number, phase: number) => number;

/**
 * dst[at, at + to - from) = src[from, to) (the firmware's native/copy.c on a board): a large frame's
 * payload copied into the output area a piece at a time, with no view of the source (set() needs one).
 */
export type Copy = (src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number) => void;

/** The natives a connection takes from its platform, each where the platform has it: plain functions, called without a `this`. */
export interface Natives {
  /** Masks and unmasks in place, both ways: what a server receives, what a client sends. */
  mask?: Mask;
  /** Checks received text; utf8Validate in script without it. */
  utf8?: Utf8Check;
  /** Copies a device's strings into frames: no buffer a text message. */
  text?: TextBytes;
  /** Copies a large frame's payload into the output area: set() and a view a piece without it. */
  copy?: Copy;
}

export interface Platform {
  sha1: Sha1;
  /** Mask keys and handshake keys. */
  random32: Random32;
  /** Native masking in place (a board's, Node's): what a server receives and a client sends; script without it. */
  mask?: Mask;
  /** Native UTF-8 checking of received text where the platform has it (a board); script otherwise. */
  utf8?: Utf8Check;
  /** A board's text natives: text sent without a buffer a message. */
  text?: TextBytes;
  /** Native copying of a large frame's payload into the output area (a board's, Node's). */
  copy?: Copy;
}
