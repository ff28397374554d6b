// Receiver: bytes from the peer, split anywhere, become messages for the app. One loop checks the
// frame rules (RSV, opcodes, control frames, masking direction, lengths) and the message rules
// (continuations, size limit, UTF-8) and hands data straight to the app. Ping, pong and close go
// to the subclass (the connection), which owns the sending side. Every bytecode here is paid per
// frame (XS meters one step each), so the common path is kept short.

import { MAX_CONTROL_PAYLOAD, OPCODE_TEXT } from "./constants.js";
import { FrameErrors, type WebSocketProblem } from "./errors.js";
import { applyMask } from "./mask.js";
import { UTF8_ACCEPT, UTF8_REJECT, utf8Validate } from "./utf8.js";

/** The app's side: whole messages, or pieces in streaming mode. */
export interface DataHandler {
  /** A whole message: data[0, length) until the handler returns. */
  onMessage?(type: number, data: Uint8Array, length: number): void;
  /** A piece of a message: data[start, end) at `offset` in the message, until the handler returns. */
  onPiece?(type: number, data: Uint8Array, start: number, end: number, offset: number, final: boolean): void;
}

export interface ReceiverLayout {
  /** The connection's memory, a word view of it for unmasking, and the input area at its start. */
  memory: Uint8Array;
  words: Uint32Array;
  input: Uint8Array;
  /** Whole-message buffer (empty in streaming mode). */
  message: Uint8Array;
  /** Offsets in memory of 125 bytes for a control payload and 14 for a split header. */
  controlAt: number;
  scratchAt: number;
}

const GET_HEADER = 0;
const GET_PAYLOAD = 1;
const STOPPED = 2;

/** 1 for a first header byte that may start a frame: no RSV bit, a defined opcode, FIN on control. */
const FIRST_BYTE_OK = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (const opcode of [0, 1, 2]) t[opcode] = t[0x80 | opcode] = 1;
  for (const opcode of [8, 9, 10]) t[0x80 | opcode] = 1;
  return t;
})();

export abstract class Receiver {
  protected readonly handler: DataHandler;
  protected readonly memory: Uint8Array;
  /** Where a transport should read: receive(input, 0, count) then consumes it without copying. */
  readonly input: Uint8Array;
  readonly #words: Uint32Array;
  readonly #message: Uint8Array;
  readonly #controlAt: number;
  readonly #scratchAt: number;
  readonly #expectMasked: boolean;
  /** The MASK bit expected, and the header size of a small frame: 0x80 and 6 on a server, 0 and 2 on a client. */
  readonly #maskBit: number;
  readonly #smallHeader: number;
  readonly #streaming: boolean;
  readonly #maxMessage: number;
  #state = GET_HEADER;
  #scratchLength = 0;
  #key = 0;
  #phase = 0;
  #remaining = 0;
  #control = 0; // opcode of the control frame being received; 0 in a data frame
  #controlLength = 0;
  #fin = false;
  #messageType = 0; // 0 when no data message is open
  #messageLength = 0;
  #utf8 = UTF8_ACCEPT;

  /** A server expects masked frames, a client unmasked ones. `maxMessage` 0 means no limit. */
  constructor(layout: ReceiverLayout, handler: DataHandler, expectMasked: boolean, streaming: boolean, maxMessage: number) {
    this.handler = handler;
    this.memory = layout.memory;
    this.input = layout.input;
    this.#words = layout.words;
    this.#message = layout.message;
    this.#controlAt = layout.controlAt;
    this.#scratchAt = layout.scratchAt;
    this.#expectMasked = expectMasked;
    this.#maskBit = expectMasked ? 0x80 : 0;
    this.#smallHeader = expectMasked ? 6 : 2;
    this.#streaming = streaming;
    this.#maxMessage = maxMessage > 0 ? maxMessage : Number.MAX_SAFE_INTEGER;
  }

  /** A complete ping, pong or close, its payload at memory[at, at + length). */
  protected abstract control(opcode: number, at: number, length: number): WebSocketProblem | null;
  /** The peer broke the protocol; the receiver has stopped. */
  protected abstract failed(problem: WebSocketProblem): void;

  get stopped(): boolean { return this.#state === STOPPED; }

  /** Stops consuming: everything after, such as data after a close frame, is ignored. */
  stop(): void { this.#state = STOPPED; }

  /** Consumes bytes from the peer, unmasking in place. Never throws on what the peer sent. */
  receive(bytes: Uint8Array, start: number, end: number): void {
    let i = start;
    // Fast path for the commonest traffic: small whole data frames (FIN, no RSV, length under 126,
    // masked as expected) lying entirely in this piece, outside any message. Anything else, or
    // anything unsure, goes to the general loop below, which gives the same result more slowly.
    while (this.#state === GET_HEADER && end - i >= 2 && this.#scratchLength === 0 && this.#messageType === 0) {
      const type = bytes[i] ^ 0x80;
      const length = bytes[i + 1] ^ this.#maskBit; // under 126 only when the mask bit is as expected
      if ((type !== 1 && type !== 2) || length >= 126 || length > this.#maxMessage) break;
      const from = i + this.#smallHeader;
      const to = from + length;
      if (to > end) break;
      if (this.#expectMasked) {
        const key = ((bytes[i + 2] << 24) | (bytes[i + 3] << 16) | (bytes[i + 4] << 8) | bytes[i + 5]) >>> 0;
        applyMask(bytes, bytes === this.input ? this.#words : null, from, to, key, 0);
      }
      if (type === OPCODE_TEXT && utf8Validate(UTF8_ACCEPT, bytes, from, to, bytes === this.input ? this.#words : null) !== UTF8_ACCEPT) {
        return this.#stopWith(FrameErrors.INVALID_UTF8);
      }
      i = to;
      if (this.#streaming) this.handler.onPiece?.(type, bytes, from, to, 0, true);
      else {
        const message = this.#message;
        if (bytes === this.input) this.memory.copyWithin(message.byteOffset, from, to);
        else message.set(bytes.subarray(from, to));
        this.handler.onMessage?.(type, message, length);
      }
    }
    while (i < end) {
      const state = this.#state;
      if (state === GET_HEADER) {
        let p: WebSocketProblem | null;
        if (this.#scratchLength === 0 && end - i >= 2) {
          // the header's length, from its second byte (inline: a call costs XS about 20 steps)
          const b1 = bytes[i + 1];
          const len = b1 & 0x7f;
          const need = (len < 126 ? 2 : len === 126 ? 4 : 10) + (b1 >= 0x80 ? 4 : 0);
          if (end - i >= need) {
            p = this.#header(bytes, i); // the whole header is here: parse it where it lies
            if (p !== null) return this.#stopWith(p);
            i += need;
            continue;
          }
        }
        i = this.#gather(bytes, i, end);
        if (this.#scratchLength !== 0) return; // still incomplete, and i is at end
        p = this.#header(this.memory, this.#scratchAt);
        if (p !== null) return this.#stopWith(p);
        continue;
      }
      if (state !== GET_PAYLOAD) return;
      const remaining = this.#remaining;
      const to = end - i < remaining ? end : i + remaining;
      if (this.#expectMasked) {
        applyMask(bytes, bytes === this.input ? this.#words : null, i, to, this.#key, this.#phase);
        this.#phase = (this.#phase + to - i) & 3;
      }
      const done = to - i === remaining;
      this.#remaining = remaining - (to - i);
      if (done) this.#state = GET_HEADER; // before the callbacks, which may stop the receiver
      const p = this.#control === 0 ? this.#data(bytes, i, to, done) : this.#controlPayload(bytes, i, to, done);
      if (p !== null) return this.#stopWith(p);
      i = to;
    }
  }

  /** Copies a header split across pieces into the scratch; returns the index after what it took. */
  #gather(bytes: Uint8Array, i: number, end: number): number {
    const memory = this.memory;
    const at = this.#scratchAt;
    while (i < end) {
      memory[at + this.#scratchLength++] = bytes[i++];
      if (this.#scratchLength >= 2 && this.#scratchLength === headerLength(memory[at + 1])) {
        this.#scratchLength = 0;
        break;
      }
    }
    return i;
  }

  /** Checks a complete header at h[at] and opens its frame (and message). */
  #header(h: Uint8Array, at: number): WebSocketProblem | null {
    const b0 = h[at];
    const b1 = h[at + 1];
    if (FIRST_BYTE_OK[b0] === 0 || b1 >= 0x80 !== this.#expectMasked) return headerProblem(b0, b1);
    let length = b1 & 0x7f;
    let o = at + 2;
    if (length >= 126) {
      if (length === 126) {
        length = (h[o] << 8) | h[o + 1];
        o += 2;
      } else {
        if (h[o] >= 0x80) return FrameErrors.LENGTH_HIGH_BIT;
        // past 2^53 a length cannot be held exactly; no buffer comes near, so it is simply too big
        const high = h[o] * 0x1000000 + ((h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]);
        length = high >= 0x200000 ? Number.MAX_SAFE_INTEGER
          : high * 0x100000000 + h[o + 4] * 0x1000000 + ((h[o + 5] << 16) | (h[o + 6] << 8) | h[o + 7]);
        o += 8;
      }
    }
    if (this.#expectMasked) {
      this.#key = ((h[o] << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) >>> 0;
      this.#phase = 0;
    }
    this.#remaining = length;
    const opcode = b0 & 0x0f;
    if (opcode >= 8) {
      if (length > MAX_CONTROL_PAYLOAD) return FrameErrors.CONTROL_TOO_LONG;
      this.#control = opcode;
      this.#controlLength = 0;
      if (length === 0) return this.control(opcode, this.#controlAt, 0);
    } else {
      this.#control = 0;
      if (opcode === 0) {
        if (this.#messageType === 0) return FrameErrors.UNEXPECTED_CONTINUATION;
      } else {
        if (this.#messageType !== 0) return FrameErrors.EXPECTED_CONTINUATION;
        this.#messageType = opcode;
        this.#messageLength = 0;
        this.#utf8 = UTF8_ACCEPT;
      }
      if (length > this.#maxMessage - this.#messageLength) return FrameErrors.MESSAGE_TOO_BIG;
      this.#fin = b0 >= 0x80;
      if (length === 0) return this.#data(h, at, at, true);
    }
    this.#state = GET_PAYLOAD;
    return null;
  }

  /** Payload bytes[from, to) of a data frame; `done` when the frame has no more. */
  #data(bytes: Uint8Array, from: number, to: number, done: boolean): WebSocketProblem | null {
    const type = this.#messageType;
    const final = done && this.#fin;
    if (type === OPCODE_TEXT) {
      const utf8 = utf8Validate(this.#utf8, bytes, from, to, bytes === this.input ? this.#words : null);
      if (utf8 === UTF8_REJECT || (final && utf8 !== UTF8_ACCEPT)) return FrameErrors.INVALID_UTF8;
      this.#utf8 = utf8;
    }
    const offset = this.#messageLength;
    this.#messageLength = offset + to - from;
    if (final) this.#messageType = 0;
    if (this.#streaming) {
      if (from !== to || final) this.handler.onPiece?.(type, bytes, from, to, offset, final);
      return null;
    }
    if (from !== to) {
      const message = this.#message;
      if (bytes === this.input) this.memory.copyWithin(message.byteOffset + offset, from, to); // input is at 0
      else message.set(bytes.subarray(from, to), offset); // bytes from elsewhere: tests, not transports
    }
    if (final) this.handler.onMessage?.(type, this.#message, this.#messageLength);
    return null;
  }

  #controlPayload(bytes: Uint8Array, from: number, to: number, done: boolean): WebSocketProblem | null {
    const memory = this.memory;
    let at = this.#controlAt + this.#controlLength;
    for (let k = from; k < to; k++) memory[at++] = bytes[k];
    this.#controlLength = at - this.#controlAt;
    return done ? this.control(this.#control, this.#controlAt, this.#controlLength) : null;
  }

  #stopWith(p: WebSocketProblem): void {
    this.#state = STOPPED;
    this.failed(p);
  }
}

/** Which rule a rejected first or second header byte broke (the cold path of #header). */
function headerProblem(b0: number, b1: number): WebSocketProblem {
  const opcode = b0 & 0x0f;
  if ((b0 & 0x70) !== 0) return FrameErrors.RSV_SET;
  if ((opcode > 2 && opcode < 8) || opcode > 10) return FrameErrors.INVALID_OPCODE;
  if (opcode >= 8 && b0 < 0x80) return FrameErrors.CONTROL_FRAGMENTED;
  return b1 >= 0x80 ? FrameErrors.UNEXPECTED_MASK : FrameErrors.EXPECTED_MASK;
}

/** Header length implied by the second header byte. */
function headerLength(b1: number): number {
  const len = b1 & 0x7f;
  const base = len < 126 ? 2 : len === 126 ? 4 : 10;
  return b1 >= 0x80 ? base + 4 : base;
}
