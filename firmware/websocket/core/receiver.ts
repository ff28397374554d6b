// Frame receiver: turns a byte stream, split anywhere, into frame starts, unmasked payload pieces
// and frame ends. It checks the rules of a single frame; message rules belong to the connection.

import { MAX_CONTROL_PAYLOAD } from "./constants.js";
import { FrameErrors, type WebSocketProblem } from "./errors.js";
import { applyMask } from "./mask.js";

/** What the receiver reports to; any non-null return stops the receiver with that problem. */
export interface FrameSink {
  frameStart(opcode: number, fin: boolean, length: number): WebSocketProblem | null;
  framePayload(bytes: Uint8Array, start: number, end: number, frameDone: boolean): WebSocketProblem | null;
  frameEnd(): WebSocketProblem | null;
}

const GET_HEADER = 0;
const GET_PAYLOAD = 1;
const STOPPED = 2;

export class FrameReceiver {
  readonly #sink: FrameSink;
  readonly #expectMasked: boolean;
  /** Header bytes that arrived split across pieces wait at #scratch[#scratchAt ...], 14 bytes. */
  readonly #scratch: Uint8Array;
  readonly #scratchAt: number;
  #scratchLength = 0;
  #key = 0;
  #state = GET_HEADER;
  #masked = false;
  #remaining = 0;
  #phase = 0;

  /** A server expects masked frames, a client unmasked ones. `memory[at, at + 14)` is its scratch. */
  constructor(sink: FrameSink, expectMasked: boolean, memory: Uint8Array, at: number) {
    this.#sink = sink;
    this.#expectMasked = expectMasked;
    this.#scratch = memory;
    this.#scratchAt = at;
  }

  get stopped(): boolean {
    return this.#state === STOPPED;
  }

  /** Stops consuming: everything after, such as data after a close frame, is ignored. */
  stop(): void {
    this.#state = STOPPED;
  }

  /**
   * Consumes bytes[start, end), unmasking payload in place. `words` may view the same memory
   * from an aligned offset, for word-wise unmasking. Returns the first problem met, or null.
   */
  receive(bytes: Uint8Array, words: Uint32Array | null, start: number, end: number): WebSocketProblem | null {
    let i = start;
    while (i < end) {
      if (this.#state === GET_HEADER) {
        i = this.#takeHeader(bytes, i, end);
        if (i < 0) return this.#fail(this.#problem);
        continue;
      }
      if (this.#state !== GET_PAYLOAD) return null;
      const available = end - i;
      const n = available < this.#remaining ? available : this.#remaining;
      if (this.#masked) {
        applyMask(bytes, words, i, i + n, this.#key, this.#phase);
        this.#phase = (this.#phase + n) & 3;
      }
      this.#remaining -= n;
      const p = this.#sink.framePayload(bytes, i, i + n, this.#remaining === 0);
      if (p !== null) return this.#fail(p);
      i += n;
      if (this.#remaining === 0) {
        this.#state = GET_HEADER;
        const q = this.#sink.frameEnd();
        if (q !== null) return this.#fail(q);
      }
    }
    return null;
  }

  #problem: WebSocketProblem | null = null;

  #fail(p: WebSocketProblem | null): WebSocketProblem | null {
    this.#state = STOPPED;
    return p;
  }

  /** Returns the index after the header bytes used, or -1 with #problem set. */
  #takeHeader(bytes: Uint8Array, i: number, end: number): number {
    if (this.#scratchLength === 0 && end - i >= 2) {
      const need = headerLength(bytes[i + 1]);
      if (end - i >= need) return this.#parse(bytes, i) ? i + need : -1;
    }
    // The header is split across pieces: gather it byte by byte (at most 14 bytes).
    const scratch = this.#scratch;
    const at = this.#scratchAt;
    while (i < end) {
      scratch[at + this.#scratchLength++] = bytes[i++];
      if (this.#scratchLength >= 2 && this.#scratchLength === headerLength(scratch[at + 1])) {
        this.#scratchLength = 0;
        return this.#parse(scratch, at) ? i : -1;
      }
    }
    return i;
  }

  #parse(h: Uint8Array, at: number): boolean {
    const b0 = h[at];
    const b1 = h[at + 1];
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let o = at + 2;
    if ((b0 & 0x70) !== 0) return this.#reject(FrameErrors.RSV_SET);
    if ((opcode > 2 && opcode < 8) || opcode > 10) return this.#reject(FrameErrors.INVALID_OPCODE);
    if (opcode >= 8) {
      if (!fin) return this.#reject(FrameErrors.CONTROL_FRAGMENTED);
      if (length > MAX_CONTROL_PAYLOAD) return this.#reject(FrameErrors.CONTROL_TOO_LONG);
    }
    if (masked !== this.#expectMasked) {
      return this.#reject(masked ? FrameErrors.UNEXPECTED_MASK : FrameErrors.EXPECTED_MASK);
    }
    if (length === 126) {
      length = (h[o] << 8) | h[o + 1];
      o += 2;
    } else if (length === 127) {
      if (h[o] & 0x80) return this.#reject(FrameErrors.LENGTH_HIGH_BIT);
      // Lengths past 2^53 cannot be held exactly; no configured buffer comes near, so cap them.
      const high = h[o] * 0x1000000 + (h[o + 1] << 16 | h[o + 2] << 8 | h[o + 3]);
      const low = (h[o + 4] * 0x1000000) + (h[o + 5] << 16 | h[o + 6] << 8 | h[o + 7]);
      length = high >= 0x200000 ? Number.MAX_SAFE_INTEGER : high * 0x100000000 + low;
      o += 8;
    }
    if (masked) this.#key = ((h[o] << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) >>> 0;
    this.#masked = masked;
    this.#remaining = length;
    this.#phase = 0;
    const p = this.#sink.frameStart(opcode, fin, length);
    if (p !== null) return this.#reject(p);
    if (length === 0) {
      const q = this.#sink.frameEnd();
      if (q !== null) return this.#reject(q);
    } else this.#state = GET_PAYLOAD;
    return true;
  }

  #reject(p: WebSocketProblem): boolean {
    this.#problem = p;
    return false;
  }
}

/** Header length implied by the second header byte. */
function headerLength(b1: number): number {
  const len = b1 & 0x7f;
  const base = len < 126 ? 2 : len === 126 ? 4 : 10;
  return (b1 & 0x80) !== 0 ? base + 4 : base;
}
