// Frame sender: encodes one frame at a time into a fixed transmit buffer. A data message larger
// than the buffer (or than a requested fragment size) goes out as fragments, and a pending pong,
// ping or close is sent between two fragments instead of waiting for the message to end.

import { MAX_CONTROL_PAYLOAD, MAX_HEADER, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_CONTINUATION, OPCODE_PING,
  OPCODE_PONG, OPCODE_TEXT } from "./constants.js";
import { headerSize, writeHeader } from "./frame.js";
import { applyMask } from "./mask.js";
import { TAIL_CLOSE, TAIL_PING, TAIL_PONG, tailOf } from "./layout.js";
import { Utf8Encoder, utf8Length } from "./utf8.js";

const CLOSE_SENT = -2;

/** A 32-bit unsigned integer from a strong random source (hardware RNG on the device). */
export type Random32 = () => number;

export class FrameSender {
  /** Frames are encoded here; encodeNext() says how many bytes are ready at its start. */
  readonly output: Uint8Array;
  readonly #words: Uint32Array;
  readonly #random: Random32 | null;
  readonly #encoder = new Utf8Encoder();
  /** Pending pong, ping and close payloads live in the tail of the connection's memory (layout.js). */
  readonly #memory: Uint8Array;
  #key = 0;
  #pongLength = -1;
  #pingLength = -1;
  /** Length of the pending close payload; -1 for none, CLOSE_SENT once it is out. */
  #closeLength = -1;
  // the data message being sent
  #text: string | null = null;
  #binary: Uint8Array | null = null;
  #position = 0; // index in the string, or in the binary data
  #remaining = 0; // payload bytes still to send
  #opcode = 0;
  #fragmentSize = 0;

  /**
   * `output` views `words` from an aligned offset and holds at least a control frame; `memory` is the
   * connection's. `random` is given on the client side, which masks every frame; a server's is null.
   */
  constructor(output: Uint8Array, words: Uint32Array, memory: Uint8Array, random: Random32 | null) {
    if (output.length < MAX_HEADER + MAX_CONTROL_PAYLOAD) throw new RangeError("output buffer under 139 bytes");
    this.output = output;
    this.#words = words;
    this.#memory = memory;
    this.#random = random;
  }

  /** A data message is still being sent. */
  get busy(): boolean {
    return this.#text !== null || this.#binary !== null;
  }

  get closeSent(): boolean {
    return this.#closeLength === CLOSE_SENT;
  }

  /** Something is waiting to be encoded. */
  get pending(): boolean {
    if (this.#closeLength === CLOSE_SENT) return false;
    return this.busy || this.#pongLength >= 0 || this.#pingLength >= 0 || this.#closeLength >= 0;
  }

  startText(text: string, fragmentSize: number): void {
    // a fragment must hold the longest code point, or a tiny fragment size could never progress
    this.start(OPCODE_TEXT, utf8Length(text), fragmentSize > 0 && fragmentSize < 4 ? 4 : fragmentSize);
    this.#text = text;
  }

  startBinary(data: Uint8Array, start: number, end: number, fragmentSize: number): void {
    this.start(OPCODE_BINARY, end - start, fragmentSize);
    this.#binary = data;
    this.#position = start;
  }

  private start(opcode: number, length: number, fragmentSize: number): void {
    this.#opcode = opcode;
    this.#remaining = length;
    this.#position = 0;
    this.#fragmentSize = fragmentSize > 0 ? fragmentSize : Number.MAX_SAFE_INTEGER;
  }

  /** The newest pong replaces one not yet sent (RFC 6455 5.5.3). */
  queuePong(bytes: Uint8Array, start: number, end: number): void {
    this.#pongLength = copyControl(this.#memory, tailOf(this.#memory) + TAIL_PONG, bytes, start, end);
  }

  queuePing(bytes: Uint8Array, start: number, end: number): void {
    this.#pingLength = copyControl(this.#memory, tailOf(this.#memory) + TAIL_PING, bytes, start, end);
  }

  /** Queues a close frame; code 0 sends an empty close payload. `reason` is UTF-8, at most 123 bytes. */
  queueClose(code: number, reason: string): void {
    if (this.#closeLength !== -1) return; // queued or sent already
    let n = 0;
    if (code !== 0) {
      const at = tailOf(this.#memory) + TAIL_CLOSE;
      this.#memory[at] = code >> 8;
      this.#memory[at + 1] = code & 0xff;
      this.#encoder.encode(reason, 0, this.#memory, at + 2, at + MAX_CONTROL_PAYLOAD);
      n = 2 + this.#encoder.written;
    }
    this.#closeLength = n;
  }

  /**
   * Encodes the next frame into output and returns its length, at most `limit` bytes (the room the
   * transport has); 0 when nothing is pending or the next frame does not fit yet.
   */
  encodeNext(limit: number): number {
    if (this.#closeLength === CLOSE_SENT) return 0;
    const cap = limit < this.output.length ? limit : this.output.length;
    if (this.#pongLength >= 0) {
      const n = this.control(OPCODE_PONG, TAIL_PONG, this.#pongLength, cap);
      if (n > 0) this.#pongLength = -1;
      return n;
    }
    if (this.#pingLength >= 0) {
      const n = this.control(OPCODE_PING, TAIL_PING, this.#pingLength, cap);
      if (n > 0) this.#pingLength = -1;
      return n;
    }
    if (this.#closeLength >= 0) {
      const n = this.control(OPCODE_CLOSE, TAIL_CLOSE, this.#closeLength, cap);
      if (n > 0) {
        this.#closeLength = CLOSE_SENT;
        this.release(); // no data frame may follow a close
      }
      return n;
    }
    return this.busy ? this.fragment(cap) : 0;
  }

  /** A control frame whose payload is at `tailOffset` in the memory's tail. */
  private control(opcode: number, tailOffset: number, length: number, cap: number): number {
    const masked = this.#random !== null;
    if (headerSize(length, masked) + length > cap) return 0;
    const out = this.output;
    const at = writeHeader(out, 0, true, opcode, length, masked, this.nextKey());
    const memory = this.#memory;
    const from = tailOf(memory) + tailOffset;
    for (let i = 0; i < length; i++) out[at + i] = memory[from + i];
    if (masked) applyMask(out, null, at, at + length, this.#key, 0);
    return at + length;
  }

  private fragment(cap: number): number {
    const masked = this.#random !== null;
    const want = this.#remaining < this.#fragmentSize ? this.#remaining : this.#fragmentSize;
    let n = want;
    if (n + headerSize(n, masked) > cap) n = cap - headerSize(cap, masked);
    if (n <= 0 && want > 0) return 0;
    const out = this.output;
    let at = headerSize(n, masked);
    if (this.#text !== null) {
      this.#encoder.encode(this.#text, this.#position, out, at, at + n);
      const written = this.#encoder.written;
      if (written === 0 && n > 0) return 0; // not even one code point fits
      const h = headerSize(written, masked);
      if (h !== at) out.copyWithin(h, at, at + written); // fewer bytes than planned: shorter header
      at = h;
      n = written;
      this.#position = this.#encoder.read;
    } else {
      const data = this.#binary as Uint8Array;
      // a whole array is copied as it is; a part needs a view over it
      if (this.#position === 0 && n === data.length) out.set(data, at);
      else out.set(data.subarray(this.#position, this.#position + n), at);
      this.#position += n;
    }
    this.#remaining -= n;
    const fin = this.#remaining === 0;
    writeHeader(out, 0, fin, this.#opcode, n, masked, this.nextKey());
    if (masked) applyMask(out, this.#words, at, at + n, this.#key, 0);
    this.#opcode = OPCODE_CONTINUATION;
    if (fin) this.release();
    return at + n;
  }

  /** A fresh key for every frame a client sends (RFC 6455 5.3); 0 on the server side, unused. */
  private nextKey(): number {
    if (this.#random !== null) this.#key = this.#random() >>> 0;
    return this.#key;
  }

  private release(): void {
    this.#text = null;
    this.#binary = null;
  }
}

/** Copies at most 125 bytes byte by byte: a view for set() would cost an allocation per ping. */
function copyControl(dest: Uint8Array, at: number, bytes: Uint8Array, start: number, end: number): number {
  const n = end - start < MAX_CONTROL_PAYLOAD ? end - start : MAX_CONTROL_PAYLOAD;
  for (let i = 0; i < n; i++) dest[at + i] = bytes[start + i];
  return n;
}
