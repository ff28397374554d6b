// Receiver: bytes from the peer, split anywhere, become messages for the app. One loop checks the
// frame rules (RSV, opcodes, control frames, masking direction, lengths) and the message rules
// (continuations, size limit, UTF-8) and hands data straight to the app. Ping, pong and close go
// to the subclass (the connection), which answers them through the sender. XS meters a step per
// bytecode and about 20 per call, so the path of every frame is kept short and inline.

import { MAX_CONTROL_PAYLOAD, OPCODE_PING, OPCODE_TEXT } from "./constants.js";
import { FrameErrors, type WebSocketProblem } from "./errors.js";
import { FIRST_BYTE_OK, frameLength, headerLength, headerProblem } from "./frame.js";
import { CONTROL_AREA, STATE_MASK, STATE_OPEN, W_CONN_STATE, W_RX_KEY, W_RX_PHASE, W_RX_FIN, W_RX_FRAGMENTS, W_RX_GATHERED, W_RX_MAX_FRAGMENTS, W_RX_MAX_MESSAGE, W_TX_PONG } from "./layout.js";
import { LITTLE_ENDIAN } from "./mask.js";
import type { Natives, Random32 } from "../platform.js";
import { Unmasker } from "./unmasker.js";
import { asciiWords, UTF8_ACCEPT, UTF8_REJECT, utf8Validate } from "./utf8.js";

/** The app's side: whole messages, or pieces in streaming mode. */
export interface DataHandler {
  /** A whole message: data[0, length) until the handler returns. */
  onMessage?(type: number, data: Uint8Array, length: number): void;
  /** A piece of a message: data[start, end) at `offset` in the message, until the handler returns. */
  onPiece?(type: number, data: Uint8Array, start: number, end: number, offset: number, final: boolean): void;
}

const GET_HEADER = 0;
const GET_PAYLOAD = 1;
const STOPPED = 2;
/** Part of a header is in the scratch, waiting for the rest. */
const GET_SPLIT_HEADER = 3;

/**
 * The receiving half of a connection: only the state every frame touches is in fields, the rest in
 * the connection's state words (layout.js). Payload is copied to the message area without a view.
 */
export abstract class Receiver extends Unmasker {
  /** Hears every message and event; its owner may replace it (a server's client gets its app's handler). */
  handler: DataHandler;
  /** Whole messages are assembled here; null in streaming mode. */
  readonly #message: Uint8Array | null;
  /** The MASK bit expected: 0x80 on a server, 0 on a client. */
  readonly #maskBit: number;
  /** Largest payload the fast path takes: 125, or the message limit if lower. */
  readonly #smallLimit: number;
  #state = GET_HEADER;
  #remaining = 0;
  #control = 0; // opcode of the control frame being received; 0 in a data frame
  #messageType = 0; // 0 when no data message is open
  #messageLength = 0;
  #utf8 = UTF8_ACCEPT;

  /** `words` holds the layout, and W_RX_MAX_MESSAGE (0: no limit); a server expects masked frames. */
  constructor(words: Uint32Array, message: Uint8Array | null, handler: DataHandler, expectMasked: boolean,
    random: Random32 | null, natives: Natives) {
    super(words, random, natives);
    this.handler = handler;
    this.#message = message;
    this.#maskBit = expectMasked ? 0x80 : 0;
    const max = words[W_RX_MAX_MESSAGE];
    this.#smallLimit = max !== 0 && max < 125 ? max : 125;
  }

  /** A complete ping, pong or close, its payload at memory[at, at + length). */
  protected abstract control(opcode: number, at: number, length: number): WebSocketProblem | null;
  /** The peer broke the protocol; the receiver has stopped. */
  protected abstract failed(problem: WebSocketProblem): void;

  get stopped(): boolean { return this.#state === STOPPED; }

  /** Stops consuming: everything after, such as data after a close frame, is ignored. */
  stop(): void { this.#state = STOPPED; }

  /**
   * Consumes bytes from the peer, unmasking in place, and returns where it stopped: `end`, or the
   * index after a ping whose pong waits to be written (its payload in the control area, where a
   * control frame or a split header handed over meanwhile is left unread). Encode that pong
   * (encodeNext) before handing over the rest, so that every ping gets its own pong, in order; a
   * transport that cannot write stops reading, which bounds what a peer flooding pings can make us
   * hold. Never throws on what the peer sent. A server unmasks each payload in place, with the
   * platform's native mask (one call a frame or a read) or in script.
   */
  receive(bytes: Uint8Array, start: number, end: number): number {
    let words: Uint32Array | null = null; // looked up only where used: every bytecode is a step
    let i = start;
    if (this.#state === GET_PAYLOAD) {
      const remaining = this.#remaining;
      if (end - start < remaining && this.#control === 0) {
        // The piece lies inside a data frame and does not end it: the body of a large message.
        const type = this.#messageType;
        if (this.#maskBit !== 0) {
          // in place with the native (the key's bytes are W_RX_KEY's), else in script
          if (this.natives.mask !== undefined) this.words[W_RX_PHASE] = this.natives.mask(bytes, start, end, this.memory, W_RX_KEY * 4, this.words[W_RX_PHASE]);
          else this.unmaskScript(bytes, start, end);
        }
        if (type === OPCODE_TEXT) {
          this.#utf8 = this.natives.utf8 !== undefined ? this.natives.utf8(this.#utf8, bytes, start, end)
            : utf8Validate(this.#utf8, bytes, start, end, bytes === this.memory ? this.words : null);
          if (this.#utf8 === UTF8_REJECT) return this.stopWith(FrameErrors.INVALID_UTF8, end);
        }
        this.#remaining = remaining - (end - start);
        const offset = this.#messageLength;
        this.#messageLength = offset + end - start;
        // a truth test, not === null: one bytecode (one metered step) fewer on every frame
        if (this.#message) this.deliver(type, bytes, start, end, offset, false);
        else this.handler.onPiece?.(type, bytes, start, end, offset, false);
        return end;
      }
    }
    pieces: for (;;) {
      // Fast path for the commonest traffic: small whole data frames (FIN, no RSV, length under 126,
      // masked as expected) lying entirely in this piece, outside any message. Anything else, or
      // anything unsure, goes to the general loop below, which gives the same result more slowly.
      // (what each frame reads held in locals: a local costs XS a step, a field two or three)
      if (this.#messageType === 0) {
        const maskBit = this.#maskBit;
        const skip = 2 + (maskBit >> 5); // the header, and the key on a server
        const limit = this.#smallLimit;
        const mask = this.natives.mask; // called as functions: natives take no `this`
        const utf8 = this.natives.utf8;
        const message = this.#message;
        while (this.#state === GET_HEADER && end - i >= 2) {
          const type = bytes[i] ^ 0x80; // 1 or 2 for a final text or binary frame with no RSV bit
          const length = bytes[i + 1] ^ maskBit; // under 126 only when the mask bit is as expected
          if ((type + 1) >> 1 !== 1 || length > limit) break;
          const at = i + skip; // the payload
          const to = at + length;
          if (to > end) break;
          i = to; // the next frame
          if (maskBit !== 0) {
            // in place, the key just before the payload (an empty range is nothing to the native); else in script
            if (mask !== undefined) mask(bytes, at, to, bytes, at - 4, 0);
            else if (length !== 0) this.unmaskSmall(bytes, at, to);
          }
          // text: the native check in one call, else ASCII by words, else the script DFA
          if (type === OPCODE_TEXT && (utf8 !== undefined ? utf8(UTF8_ACCEPT, bytes, at, to) !== UTF8_ACCEPT
            : !(bytes === this.memory && length !== 0 && LITTLE_ENDIAN && asciiWords(this.words, at, to))
              && utf8Validate(UTF8_ACCEPT, bytes, at, to, bytes === this.memory ? this.words : null) !== UTF8_ACCEPT)) {
            return this.stopWith(FrameErrors.INVALID_UTF8, end);
          }
          if (message) this.deliver(type, bytes, at, to, 0, true);
          else this.handler.onPiece?.(type, bytes, at, to, 0, true);
        }
      }
      if (i < end) words = bytes === this.memory ? this.words : null;
      // A zero-length frame's payload is taken (as nothing) even when it ends the piece.
      while (i < end || (this.#state === GET_PAYLOAD && this.#remaining === 0)) {
        const state = this.#state;
        if (state === GET_HEADER || state === GET_SPLIT_HEADER) {
          let need = 0; // the header's length (headerLength(), inline: a call costs XS about 30 steps)
          if (state === GET_HEADER && end - i >= 2) {
            const len7 = bytes[i + 1] & 0x7f;
            need = (len7 < 126 ? 2 : len7 === 126 ? 4 : 10) + ((bytes[i + 1] >> 5) & 4);
          }
          let p: WebSocketProblem | null;
          if (need !== 0 && end - i >= need) {
            // a control frame's payload goes to the control area, where a ping's may wait for its pong: a
            // newer ping, valid and while open, takes the waiting one's place (RFC 6455 5.5.3); else it waits
            if (bytes[i] > 0x87 && this.words[W_TX_PONG] !== 0) {
              if ((bytes[i] & 0x0f) !== OPCODE_PING || (this.words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) return i;
              p = this.header(bytes, i, need);
              if (p === null) this.words[W_TX_PONG] = 0;
            } else p = this.header(bytes, i, need); // the whole header is here: parse it where it lies
            i += need;
          } else {
            if (this.words[W_TX_PONG] !== 0) return i; // a split header is gathered there too: after the pong
            i = this.gather(bytes, i, end);
            if (this.words[W_RX_GATHERED] !== 0) { // still incomplete, and i is at end
              this.#state = GET_SPLIT_HEADER;
              return end;
            }
            p = this.header(this.memory, CONTROL_AREA, headerLength(this.memory[CONTROL_AREA + 1]));
          }
          if (p !== null) return this.stopWith(p, end);
          continue;
        }
        if (state !== GET_PAYLOAD) return end;
        const remaining = this.#remaining;
        const to = end - i < remaining ? end : i + remaining;
        const n = to - i;
        if (this.#maskBit !== 0 && n !== 0) {
          if (this.natives.mask !== undefined) this.words[W_RX_PHASE] = this.natives.mask(bytes, i, to, this.memory, W_RX_KEY * 4, this.words[W_RX_PHASE]);
          else this.unmaskScript(bytes, i, to);
        }
        this.#remaining = remaining - n;
        const done = n === remaining;
        if (done) this.#state = GET_HEADER; // before the callbacks, which may stop the receiver
        if (this.#control !== 0) {
          const p = this.controlPayload(bytes, i, to, done);
          if (p !== null) return this.stopWith(p, end);
          i = to;
          if (done && this.words[W_TX_PONG] !== 0 && i < end) return i; // its pong goes out first
          continue;
        }
        const type = this.#messageType;
        const final = done && this.words[W_RX_FIN] !== 0;
        if (type === OPCODE_TEXT) {
          const utf8 = this.natives.utf8 !== undefined ? this.natives.utf8(this.#utf8, bytes, i, to) : utf8Validate(this.#utf8, bytes, i, to, words);
          if (utf8 === UTF8_REJECT || (final && utf8 !== UTF8_ACCEPT)) return this.stopWith(FrameErrors.INVALID_UTF8, end);
          this.#utf8 = utf8;
        }
        const offset = this.#messageLength;
        this.#messageLength = offset + n;
        if (final) this.#messageType = 0;
        if (this.#message) this.deliver(type, bytes, i, to, offset, final);
        else if (n !== 0 || final) this.handler.onPiece?.(type, bytes, i, to, offset, final);
        i = to;
        // a message ended and a small frame follows: back to the fast path for the rest of the piece
        if (final && end - i >= 2 && (bytes[i + 1] & 0x7f) < 126 && this.#state === GET_HEADER) continue pieces;
      }
      return end;
    }
  }

  /** Whole-message mode: copies bytes[from, to) to `offset` in the message; hands it over when final. */
  private deliver(type: number, bytes: Uint8Array, from: number, to: number, offset: number, final: boolean): void {
    const message = this.#message as Uint8Array;
    if (from !== to) {
      if (bytes === this.memory) bytes.copyWithin(message.byteOffset + offset, from, to);
      else message.set(bytes.subarray(from, to), offset); // bytes from elsewhere: tests, not transports
    }
    if (final) this.handler.onMessage?.(type, message, offset + to - from);
  }

  /** Copies a header split across pieces into the control area; returns the index after what it took. */
  private gather(bytes: Uint8Array, i: number, end: number): number {
    const memory = this.memory;
    const words = this.words;
    let n = words[W_RX_GATHERED];
    while (i < end) {
      memory[CONTROL_AREA + n++] = bytes[i++];
      if (n >= 2 && n === headerLength(memory[CONTROL_AREA + 1])) {
        n = 0;
        break;
      }
    }
    words[W_RX_GATHERED] = n;
    return i;
  }

  /** Checks a complete header of `need` bytes at h[at] and opens its frame (and message). */
  private header(h: Uint8Array, at: number, need: number): WebSocketProblem | null {
    const b0 = h[at];
    const b1 = h[at + 1];
    if (FIRST_BYTE_OK[b0] === 0 || (b1 & 0x80) !== this.#maskBit) return headerProblem(b0, b1);
    // 7- and 16-bit lengths read here (a call costs XS about 30 steps), 64-bit ones by frameLength
    const length = need < 10 ? (need & 3) === 2 ? b1 & 0x7f : (h[at + 2] << 8) | h[at + 3] : frameLength(h, at);
    if (length < 0) return FrameErrors.LENGTH_HIGH_BIT;
    if (this.#maskBit !== 0) this.keyAt(h, at + need - 4);
    this.#remaining = length;
    this.#state = GET_PAYLOAD;
    const opcode = b0 & 0x0f;
    if (opcode >= 8) {
      // the 7-bit field itself: a control frame never carries an extended length, even a small one (as ws)
      if ((b1 & 0x7f) > MAX_CONTROL_PAYLOAD) return FrameErrors.CONTROL_TOO_LONG;
      this.#control = opcode; // its payload is gathered from 0: a complete header leaves W_RX_GATHERED at 0
      return null;
    }
    this.#control = 0;
    if (opcode === 0) {
      if (this.#messageType === 0) return FrameErrors.UNEXPECTED_CONTINUATION;
      // a message in millions of tiny fragments holds a connection (and its peers' turns) for seconds
      const words = this.words;
      const fragments = ++words[W_RX_FRAGMENTS];
      if (fragments >= words[W_RX_MAX_FRAGMENTS] && words[W_RX_MAX_FRAGMENTS] !== 0) return FrameErrors.TOO_MANY_FRAGMENTS;
    } else {
      if (this.#messageType !== 0) return FrameErrors.EXPECTED_CONTINUATION;
      this.#messageType = opcode;
      this.#messageLength = 0;
      this.words[W_RX_FRAGMENTS] = 0;
      this.#utf8 = UTF8_ACCEPT;
    }
    const max = this.words[W_RX_MAX_MESSAGE];
    if (max !== 0 && length > max - this.#messageLength) return FrameErrors.MESSAGE_TOO_BIG;
    this.words[W_RX_FIN] = b0 >>> 7;
    return null;
  }

  private controlPayload(bytes: Uint8Array, from: number, to: number, done: boolean): WebSocketProblem | null {
    const memory = this.memory;
    let at = CONTROL_AREA + this.words[W_RX_GATHERED];
    for (let k = from; k < to; k++) memory[at++] = bytes[k];
    // once complete, the area is free again for a split header
    this.words[W_RX_GATHERED] = done ? 0 : at - CONTROL_AREA;
    return done ? this.control(this.#control, CONTROL_AREA, at - CONTROL_AREA) : null;
  }

  /** Fails the connection; what follows in the piece is consumed unread. */
  private stopWith(p: WebSocketProblem, end: number): number {
    this.#state = STOPPED;
    this.failed(p);
    return end;
  }
}
