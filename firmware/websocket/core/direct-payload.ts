// Binary payload (or a device's text, as its native UTF-8 bytes) written from its own array, not
// copied through the output area: under XS a copy (TypedArray.set) is metered at 2 steps a byte and a
// client's masking in script at about 4, so a large frame's header is encoded into the output area
// as usual and its payload then handed to the socket a piece per write. A client masks each piece
// in place with the platform's native xor (or mask) and unmasks it as soon as the socket has taken
// it: ECMA-419 writes copy (lwIP's TCP_WRITE_FLAG_COPY), so the app never sees its bytes changed. Data
// the natives cannot write (a read-only buffer in flash) is copied and masked in the output area instead.

import { OPCODE_CONTINUATION } from "./constants.js";
import { writeHeader } from "./frame.js";
import { TX_MORE, W_CONN_OUTPUT_SIZE, W_CONN_OUTPUT_START, W_TX_COPIED, W_TX_DIRECT, W_TX_DIRECT_AT,
  W_TX_DIRECT_FROM, W_TX_FRAGMENT_OPTION, W_TX_KEY, W_TX_OPCODE, W_TX_POSITION, W_TX_REMAINING, W_TX_TEXT_BYTES } from "./layout.js";
import { applyMask, LITTLE_ENDIAN } from "./mask.js";
import type { Mask, Natives } from "../platform.js";

/** What a connection without natives has (or one on a big-endian host). */
export const NO_NATIVES: Natives = Object.freeze({});

/** Largest direct frame without a fragmentSize option: a pong waits behind at most this much. */
export const DIRECT_FRAME = 16384;

/** The base of the sender (sender.js): the connection's memory, the message going out, and its direct payload. */
export class DirectPayload {
  /** The connection's one allocation (layout.js); frames are encoded at outputStart. */
  readonly memory: Uint8Array;
  /** The same memory as words: state at fixed indices (layout.js, which a transport may read), and word-wise masking. */
  readonly words: Uint32Array;
  /** The data message being sent (until the last piece of its last frame is out); null when none is. */
  protected outgoing: string | Uint8Array | null = null;
  /**
   * The platform's natives (xor, mask, utf8, text), one object shared by every connection (a field
   * each would cost every connection a slot); none on a big-endian host, where the key words this
   * stack writes would be the wrong way round for them.
   */
  readonly natives: Natives;
  /** A client's view of W_TX_KEY's bytes, the native xor's source: made at its first direct frame. */
  protected directKeyView: Uint8Array | null = null;

  /** `natives.xor` or `.mask` given on a client lets its payload go direct too (directPiece()): without them a client masks a copy in script. */
  constructor(words: Uint32Array, client: boolean, natives: Natives) {
    this.words = words;
    this.memory = new Uint8Array(words.buffer);
    this.natives = LITTLE_ENDIAN ? natives : NO_NATIVES;
    if (client && this.natives.xor === undefined && this.natives.mask === undefined) words[W_TX_DIRECT_FROM] = 0; // its masking needs a copy anyway
  }

  /** The transport is gone: the message being sent, and its direct frame, are let go. */
  protected abandonOutgoing(): void {
    this.outgoing = null;
    this.words[W_TX_REMAINING] = 0;
    this.words[W_TX_DIRECT] = 0;
  }

  /** Payload bytes of the current frame that directPiece() has still to give: the transport writes them before anything else. */
  get directLeft(): number { return this.words[W_TX_DIRECT]; }

  /**
   * Encodes the header of the next frame of `data` (the message's `remaining` bytes from
   * W_TX_POSITION on), whose payload goes direct; returns its length, 0 when `cap` bytes cannot hold it.
   */
  protected directHeader(data: Uint8Array, remaining: number, cap: number, masked: boolean, key: number): number {
    const words = this.words;
    const option = words[W_TX_FRAGMENT_OPTION];
    const max = option !== 0 ? option : DIRECT_FRAME;
    const position = words[W_TX_POSITION];
    let n = remaining;
    if (remaining > max) {
      n = max;
      // a text's frames end where a character does, as the script encoder cuts them
      if (words[W_TX_TEXT_BYTES] !== 0) while ((data[position + n] & 0xc0) === 0x80) n--;
    }
    const start = words[W_CONN_OUTPUT_START];
    if ((n < 126 ? 2 : n < 0x10000 ? 4 : 10) + (masked ? 4 : 0) > cap) return 0;
    const opcode = words[W_TX_OPCODE];
    const at = writeHeader(this.memory, start, remaining === n && opcode < TX_MORE, opcode & 0xf, n, masked, key);
    words[W_TX_POSITION] = position + n;
    words[W_TX_REMAINING] = remaining - n;
    words[W_TX_OPCODE] = OPCODE_CONTINUATION | (opcode & TX_MORE);
    words[W_TX_DIRECT] = n;
    words[W_TX_DIRECT_AT] = position;
    // the key's bytes in header order (big-endian) in memory, read as a little-endian word
    words[W_TX_KEY] = (key >>> 24) | ((key >>> 8) & 0xff00) | ((key << 8) & 0xff0000) | (key << 24);
    if (masked) this.directKeyView ??= this.memory.subarray(W_TX_KEY * 4, W_TX_KEY * 4 + 4);
    return at - start;
  }

  /**
   * The next piece of the direct payload for a socket write of at most `room` bytes, masked on a
   * client in place with the native xor, a multiple of 4 bytes unless it ends the frame so that the
   * key stays in phase; null when room is too short. Hand it back to directDone() whether the write
   * took it or threw.
   */
  directPiece(room: number): Uint8Array | null {
    const words = this.words;
    const left = words[W_TX_DIRECT];
    const keyView = this.directKeyView;
    const n = left <= room ? left : keyView !== null ? room & ~3 : room;
    if (n <= 0 || left === 0) return null;
    const data = this.outgoing as Uint8Array;
    const at = words[W_TX_DIRECT_AT];
    const piece = at === 0 && n === data.length ? data : data.subarray(at, at + n);
    if (keyView === null) return piece;
    try {
      // in place with W_TX_KEY (a multiple of 4 bytes or the frame's end: the key's phase is 0), the
      // xor first where both are (2 arguments: fewer steps); inline, as a call costs XS ~20 steps a piece
      const natives = this.natives;
      if (natives.xor !== undefined) natives.xor(piece, keyView);
      else (natives.mask as Mask)(piece, 0, piece.length, this.memory, W_TX_KEY * 4, 0);
      return piece;
    } catch {
      return this.maskedCopy(piece); // the data is read-only
    }
  }

  /** A piece directPiece() gave is back: unmasked if it was masked in place, and counted if `written`. */
  directDone(piece: Uint8Array, written: boolean): void {
    const words = this.words;
    const keyView = this.directKeyView;
    if (keyView !== null) {
      if (words[W_TX_COPIED] !== 0) words[W_TX_COPIED] = 0;
      else if (this.natives.xor !== undefined) this.natives.xor(piece, keyView);
      else (this.natives.mask as Mask)(piece, 0, piece.length, this.memory, W_TX_KEY * 4, 0);
    }
    if (!written) return;
    words[W_TX_DIRECT_AT] += piece.length;
    // the message is out once its last frame's payload is
    if ((words[W_TX_DIRECT] -= piece.length) === 0 && words[W_TX_REMAINING] === 0) {
      this.outgoing = null;
      words[W_TX_TEXT_BYTES] = 0;
    }
  }

  /** The piece's first bytes, as many as the output area holds, copied there and masked. */
  private maskedCopy(piece: Uint8Array): Uint8Array {
    const words = this.words;
    const out = this.memory;
    const start = words[W_CONN_OUTPUT_START];
    const room = words[W_CONN_OUTPUT_SIZE] & ~3;
    const n = piece.length < room ? piece.length : room;
    out.set(n === piece.length ? piece : piece.subarray(0, n), start);
    const w = words[W_TX_KEY];
    applyMask(out, words, start, start + n, ((w << 24) | ((w << 8) & 0xff0000) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0, 0);
    words[W_TX_COPIED] = 1;
    return out.subarray(start, start + n);
  }
}
