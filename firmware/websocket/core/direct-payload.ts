// A large frame's payload (binary, or a device's text as its native UTF-8 bytes) streamed through
// the output area: its header is encoded there with as much payload as fits behind it, and each
// encodeNext() after copies the next piece there, a client's masked in place, until the frame's
// payload is out. One frame header per 16 KiB, not per output area. Under XS the copy is the
// platform's native (one call a piece: TypedArray.set is metered at 2 steps a byte and needs a view
// of the source, 4 slots), so a piece allocates nothing, the socket writes the output area's view
// as for any frame, and the app's data is never changed (nor need it be writable: flash will do).

import { OPCODE_CONTINUATION } from "./constants.js";
import { writeHeader } from "./frame.js";
import { TX_MORE, W_CONN_OUTPUT_SIZE, W_CONN_OUTPUT_START, W_TX_DIRECT, W_TX_DIRECT_AT, W_TX_FRAGMENT_OPTION, W_TX_KEY,
  W_TX_OPCODE, W_TX_POSITION, W_TX_REMAINING, W_TX_ROOM_MOST, W_TX_TEXT_BYTES } from "./layout.js";
import { applyMask, LITTLE_ENDIAN } from "./mask.js";
import type { Natives, TextBytes } from "../platform.js";

/** What a connection without natives has (or one on a big-endian host). */
export const NO_NATIVES: Natives = Object.freeze({});

/**
 * Largest direct frame without a fragmentSize option: a pong waits behind at most this much. Frames
 * are cut where a write of a whole output area ends (directMax(): with the default 1,460-byte area,
 * 16,056 payload bytes on a server, 16,008 on a client).
 */
export const DIRECT_FRAME = 16384;

/** W_TX_TEXT_BYTES: the message is text given as its UTF-8 bytes in an array (cut where characters end). */
export const TEXT_AS_BYTES = 1;
/** W_TX_TEXT_BYTES: the message is a string whose bytes the text natives copy, from W_TX_POSITION (a byte offset). */
export const TEXT_NATIVE = 2;

/** The base of the sender (sender.js): the connection's memory, the message going out, and its direct payload. */
export class DirectPayload {
  /** The connection's one allocation (layout.js); frames are encoded at outputStart. */
  readonly memory: Uint8Array;
  /** The same memory as words: state at fixed indices (layout.js, which a transport may read), and word-wise masking. */
  readonly words: Uint32Array;
  /** The data message being sent (until its last piece is encoded); null when none is. */
  protected outgoing: string | Uint8Array | null = null;
  /**
   * The platform's natives (copy, mask, utf8, text), one object shared by every connection (a
   * field each would cost every connection a slot); none on a big-endian host, where the key words
   * this stack writes would be the wrong way round for them.
   */
  readonly natives: Natives;

  constructor(words: Uint32Array, natives: Natives) {
    this.words = words;
    this.memory = new Uint8Array(words.buffer);
    this.natives = LITTLE_ENDIAN ? natives : NO_NATIVES;
  }

  /** The transport is gone: the message being sent, and its direct frame, are let go. */
  protected abandonOutgoing(): void {
    this.outgoing = null;
    this.words[W_TX_REMAINING] = 0;
    this.words[W_TX_DIRECT] = 0;
  }

  /** Payload bytes of the current direct frame not yet encoded: only its pieces come from encodeNext() until they are out. */
  get directLeft(): number { return this.words[W_TX_DIRECT]; }

  /**
   * A whole message's frame, header and payload (data's n bytes, 126 to the output area's size less
   * the header; `text`: a device's string), at outputStart in one pass; the caller checked that it
   * fits. Returns its length.
   */
  protected wholeFrame(data: string | Uint8Array, text: boolean, n: number, opcode: number, masked: boolean, key: number): number {
    const out = this.memory;
    const start = this.words[W_CONN_OUTPUT_START];
    const at = writeHeader(out, start, true, opcode, n, masked, key);
    const natives = this.natives;
    if (text) (natives.text as TextBytes).into(data as string, 0, n, out, at, at + n);
    else if (natives.copy !== undefined) natives.copy(data as Uint8Array, 0, n, out, at);
    else out.set(data as Uint8Array, at);
    if (masked) this.maskPayload(at, n, key);
    return at + n - start;
  }

  /**
   * Masks memory[at, at + n), a frame's payload in the output area: in place with the native, the
   * key as the header holds it just before the payload, in one call; else in script.
   */
  protected maskPayload(at: number, n: number, key: number): void {
    if (this.natives.mask !== undefined) this.natives.mask(this.memory, at, at + n, this.memory, at - 4, 0);
    else applyMask(this.memory, this.words, at, at + n, key, 0);
  }

  /**
   * Encodes the header of the next frame of `data` (the message's `remaining` bytes from
   * W_TX_POSITION on) and as much of its payload as `cap` bytes hold; returns their length, 0 when
   * `cap` cannot hold the header. `key` is the frame's (0 unmasked).
   */
  protected directHeader(data: string | Uint8Array, remaining: number, cap: number, masked: boolean, key: number): number {
    const words = this.words;
    const option = words[W_TX_FRAGMENT_OPTION];
    const size = words[W_CONN_OUTPUT_SIZE];
    const max = option !== 0 ? option : this.directMax(masked);
    const position = words[W_TX_POSITION];
    const start = words[W_CONN_OUTPUT_START];
    let n = remaining;
    if (remaining > max) {
      n = max;
      // a text's frames end where a character does, as the script encoder cuts them
      const text = words[W_TX_TEXT_BYTES];
      if (text === TEXT_NATIVE) {
        // the natives cut before a character that does not fit: its last 4 bytes copied (and overwritten below) say where
        n = max - 4 + (this.natives.text as TextBytes).into(data as string, position + max - 4, position + remaining, this.memory, start, start + 4);
      } else if (text !== 0) while (((data as Uint8Array)[position + n] & 0xc0) === 0x80) n--;
    }
    const h = (n < 126 ? 2 : n < 0x10000 ? 4 : 10) + (masked ? 4 : 0);
    // the frame starts in a write of a whole output area, as its pieces go (directNext), where the socket can give one
    if (h > cap || (h + n > cap && cap < size && words[W_TX_ROOM_MOST] >= size)) return 0;
    const opcode = words[W_TX_OPCODE];
    writeHeader(this.memory, start, remaining === n && opcode < TX_MORE, opcode & 0xf, n, masked, key);
    words[W_TX_POSITION] = position + n;
    words[W_TX_REMAINING] = remaining - n;
    words[W_TX_OPCODE] = OPCODE_CONTINUATION | (opcode & TX_MORE);
    words[W_TX_DIRECT] = n;
    words[W_TX_DIRECT_AT] = position;
    // the key's bytes in header order (big-endian) in memory, read as a little-endian word
    words[W_TX_KEY] = (key >>> 24) | ((key >>> 8) & 0xff00) | ((key << 8) & 0xff0000) | (key << 24);
    return h + this.directNext(start + h, cap - h, masked);
  }

  /**
   * The most payload a direct frame takes without a fragmentSize option: its header and payload a
   * whole number of pieces (a client's are whole words), so that every write a frame takes is one size.
   */
  protected directMax(masked: boolean): number {
    const size = this.words[W_CONN_OUTPUT_SIZE];
    const piece = masked ? size & ~3 : size;
    return (piece < DIRECT_FRAME ? DIRECT_FRAME - DIRECT_FRAME % piece : piece) - (masked ? 8 : 4);
  }

  /**
   * Copies the direct frame's next piece, as much as `cap` bytes hold, to memory[at...) and masks
   * it on a client (a multiple of 4 bytes unless it ends the frame, so that the key's phase is 0
   * at every piece); returns its length (0: too little room). As directHeader's, a write that would
   * hold only part of the rest and less than a whole output area waits where the socket can give one
   * (W_TX_ROOM_MOST): the write is memory[outputStart, at + cap).
   */
  protected directNext(at: number, cap: number, masked: boolean): number {
    const words = this.words;
    const left = words[W_TX_DIRECT];
    const size = words[W_CONN_OUTPUT_SIZE];
    if (left > cap && at - words[W_CONN_OUTPUT_START] + cap < size && words[W_TX_ROOM_MOST] >= size) return 0;
    const n = left <= cap ? left : masked ? cap & ~3 : cap;
    if (n <= 0) return 0;
    const from = words[W_TX_DIRECT_AT];
    const data = this.outgoing as string | Uint8Array;
    const natives = this.natives;
    const out = this.memory;
    // inline, as a call costs XS ~20 steps a piece
    if (words[W_TX_TEXT_BYTES] === TEXT_NATIVE) (natives.text as TextBytes).into(data as string, from, from + n, out, at, at + n);
    else if (natives.copy !== undefined) natives.copy(data as Uint8Array, from, from + n, out, at);
    else out.set((data as Uint8Array).subarray(from, from + n), at); // a view a piece: platforms without the native
    if (masked) {
      if (natives.mask !== undefined) natives.mask(out, at, at + n, out, W_TX_KEY * 4, 0);
      else {
        const w = words[W_TX_KEY];
        applyMask(out, words, at, at + n, ((w << 24) | ((w << 8) & 0xff0000) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0, 0);
      }
    }
    words[W_TX_DIRECT_AT] = from + n;
    // the message is encoded once its last frame's payload is
    if ((words[W_TX_DIRECT] = left - n) === 0 && words[W_TX_REMAINING] === 0) {
      this.outgoing = null;
      words[W_TX_TEXT_BYTES] = 0;
    }
    return n;
  }
}
