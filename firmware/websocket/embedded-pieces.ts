// The receiving half of the ECMA-419 WebSocket client: each piece of a message the connection
// delivers is announced with onReadable(count, {binary, more}) and read with read(). Read inside the
// callback, the bytes come straight from the connection's input area; what the app leaves unread
// is copied and announced again later, pieces in their order, so it may also read from a timer.

import type { Timers } from "./io.js";

type Announce = (count: number, binary: boolean, more: boolean) => void;

interface HeldPiece { bytes: Uint8Array; at: number; binary: boolean; more: boolean; announced: boolean }

export class IncomingPieces {
  readonly #timers: Timers;
  readonly #announce: Announce;
  /** The piece being announced, read in place: data[#at, #end) until its callback returns. */
  #data: Uint8Array | null = null;
  #at = 0;
  #end = 0;
  /** Pieces left unread (the first already announced), oldest first. */
  readonly #held: HeldPiece[] = [];
  #timer: unknown = null;
  #stopped = false;

  constructor(timers: Timers, announce: Announce) {
    this.#timers = timers;
    this.#announce = announce;
  }

  /** A piece of a message from the connection, valid in data[start, end) until this returns. */
  piece(data: Uint8Array, start: number, end: number, binary: boolean, more: boolean): void {
    if (this.#held.length > 0) {
      this.#held.push({ bytes: data.slice(start, end), at: 0, binary, more, announced: false }); // in its turn
      return;
    }
    this.#data = data;
    this.#at = start;
    this.#end = end;
    try {
      this.#announce(end - start, binary, more);
    } finally {
      if (this.#at < this.#end) this.#held.push({ bytes: data.slice(this.#at, this.#end), at: 0, binary, more, announced: true });
      this.#data = null;
    }
  }

  /** All the bytes of the current piece, `count` at most, or as many as fit `buffer` (then the count). */
  read(count?: number | Uint8Array): ArrayBuffer | number | undefined {
    let source: Uint8Array;
    let at: number;
    let end: number;
    const live = this.#data !== null;
    if (live) {
      source = this.#data!;
      at = this.#at;
      end = this.#end;
    } else if (this.#held.length > 0 && this.#held[0].announced) { // not past what onReadable announced
      const head = this.#held[0];
      source = head.bytes;
      at = head.at;
      end = head.bytes.length;
    } else return undefined;
    if (at === end) return undefined;
    const into = count instanceof Uint8Array ? count : null;
    const n = Math.min(end - at, into !== null ? into.length : (count as number | undefined) ?? end - at);
    if (live) this.#at += n;
    else if ((this.#held[0].at += n) === end) this.next();
    if (into !== null) {
      into.set(source.subarray(at, at + n));
      return n;
    }
    return (source.buffer as ArrayBuffer).slice(source.byteOffset + at, source.byteOffset + at + n);
  }

  /** No more announcements: the app closed. */
  stop(): void {
    this.#stopped = true;
    this.#held.length = 0;
    if (this.#timer !== null) this.#timers.clear(this.#timer);
    this.#timer = null;
  }

  /** The held piece is read: the next held one is announced from a timer, not inside this read(). */
  private next(): void {
    this.#held.shift();
    if (this.#held.length === 0 || this.#timer !== null) return;
    this.#timer = this.#timers.set(() => {
      this.#timer = null;
      const head = this.#held[0];
      if (this.#stopped || head === undefined) return;
      head.announced = true;
      this.#announce(head.bytes.length - head.at, head.binary, head.more);
      if (head.bytes.length === 0) this.next(); // an empty message has nothing to read
    }, 0);
  }
}
