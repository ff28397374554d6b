// An ECMA-419 TCP socket for the whole-path bench, as strict as Moddable's: read(buffer) fills
// exactly buffer.byteLength and throws past what is queued, read() / read(count) return a new
// ArrayBuffer ("buffer" format) or one byte ("number" format), write() throws "would block" past the
// room it has and returns the room left. Incoming bytes arrive as the segments the bench hands over;
// what is written is checked frame by frame and counted, then dropped. Its own work is bracketed
// (probe.js) so that it is not counted as the stack's.

import { enter, leave } from "./probe.js";
import { FrameSink } from "./frame-sink.js";

export interface Callbacks {
  onReadable?(count: number): void;
  onWritable?(count: number): void;
  onError?(): void;
}

/** Room a socket has to write: lwIP's default send buffer on the device builds we target. */
export const ROOM = 5744;

export class FakeSocket {
  callbacks: Callbacks = {};
  /** "buffer" or "number", as Moddable's TCP socket has it. */
  format = "buffer";
  /** Writes before the WebSocket opens, as text, for the scripted peer; null once frames flow. */
  head: string | null = "";
  readonly sink = new FrameSink();
  room = ROOM;
  #segment: Uint8Array = new Uint8Array(0);
  #at = 0;
  /** Driver calls into the socket's callbacks, counted so that their calibrated cost can be taken off. */
  deliveries = 0;

  /** Binds callbacks as a socket constructor would (Moddable's TCP takes them in its options). */
  bind(options: Callbacks): this {
    enter();
    this.callbacks = options;
    this.format = "buffer";
    leave();
    return this;
  }

  get queued(): number { return this.#segment.length - this.#at; }

  read(into?: Uint8Array | ArrayBuffer | number): number | ArrayBuffer | undefined {
    enter();
    const queued = this.#segment.length - this.#at;
    leave();
    if (queued === 0) return undefined;
    if (this.format === "number") {
      enter();
      const byte = this.#segment[this.#at++];
      leave();
      return byte;
    }
    if (into === undefined || typeof into === "number") {
      const n = into === undefined ? queued : into;
      if (n > queued) throw new Error("invalid");
      const out = new ArrayBuffer(n); // Moddable's native read allocates this buffer too: it is counted
      enter();
      new Uint8Array(out).set(this.#segment.subarray(this.#at, this.#at + n));
      this.#at += n;
      leave();
      return out;
    }
    enter();
    const view = into instanceof Uint8Array ? into : new Uint8Array(into);
    const n = view.length;
    const fits = n <= queued;
    if (fits) {
      view.set(this.#segment.subarray(this.#at, this.#at + n));
      this.#at += n;
    }
    leave();
    if (!fits) throw new Error("invalid");
    return n;
  }

  write(data: Uint8Array | ArrayBuffer): number {
    enter();
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    const n = bytes.length;
    const fits = n <= this.room;
    if (fits) {
      this.room -= n;
      if (this.head !== null) for (let i = 0; i < n; i++) this.head += String.fromCharCode(bytes[i]);
      else this.sink.take(bytes);
    }
    const room = this.room;
    leave();
    if (!fits) throw new Error("would block");
    return room;
  }

  close(): void {}

  // the bench's side: what the network does

  /** A segment arrives: onReadable(its length). The previous one must have been read whole. */
  deliver(segment: Uint8Array): void {
    enter();
    this.#segment = segment;
    this.#at = 0;
    this.deliveries++;
    leave();
    this.callbacks.onReadable?.(segment.length);
  }

  /** The peer acknowledged everything written: the room is whole again. */
  ack(room = ROOM): void {
    enter();
    this.room = room;
    this.deliveries++;
    leave();
    this.callbacks.onWritable?.(room);
  }

  /** The sink's message count once the next message is out. */
  sentTarget(): number {
    enter();
    const target = this.sink.messages + 1;
    leave();
    return target;
  }

  /** The next message is not all out yet. */
  waiting(target: number): boolean {
    enter();
    const waiting = this.sink.messages < target && this.sink.invalid === "";
    leave();
    return waiting;
  }

  /** Less room than a frame of `bytes`. */
  short(bytes: number): boolean {
    enter();
    const short = this.room < bytes;
    leave();
    return short;
  }

  /** From here on, writes are frames. */
  opened(): void {
    this.head = null;
  }
}

/** A socket constructor (ECMA-419 shape) that hands out the socket prepared for it. */
export function socketClass(next: () => FakeSocket): new (options: Callbacks) => FakeSocket {
  return function FakeTcp(options: Callbacks) { return next().bind(options); } as unknown as new (options: Callbacks) => FakeSocket;
}
