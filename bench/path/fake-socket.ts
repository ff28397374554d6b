// An ECMA-419 TCP socket for the whole-path bench, as strict as Moddable's: read(buffer) fills
// exactly buffer.byteLength and throws past what is queued, read() / read(count) return a new
// ArrayBuffer ("buffer" format) or one byte ("number" format), write() throws "would block" past the
// room it has and returns the room left. Incoming bytes arrive as the segments the bench hands over;
// what is written is checked frame by frame and counted, then dropped. Its own work is bracketed
// (probe.js) so that it is not counted as the stack's.

import { enter, leave } from "./probe.js";
import { FrameSink } from "./frame-sink.js";

export interface Callbacks {
  target?: unknown;
  onReadable?(count: number): void;
  onWritable?(count: number): void;
  onError?(): void;
}

/** Room a socket has to write: lwIP's default send buffer on the device builds we target. */
export const ROOM = 5744;

const NOTHING = new Uint8Array(0);

export class FakeSocket {
  /** The callbacks only, as Moddable's TCP keeps them: the options object they came in is let go. */
  #onReadable: Callbacks["onReadable"] = undefined;
  #onWritable: Callbacks["onWritable"] = undefined;
  /** Kept, never called here: Moddable's TCP keeps it too (a closure a client would count). */
  #onError: Callbacks["onError"] = undefined;
  /** ECMA-419's `target` option, as given. */
  target: unknown = undefined;
  /** "buffer" or "number", as Moddable's TCP socket has it. */
  format = "buffer";
  /** Writes before the WebSocket opens, as text, for the scripted peer; null once frames flow. */
  head: string | null = "";
  readonly sink = new FrameSink();
  room = ROOM;
  #segment: Uint8Array = NOTHING;
  #at = 0;
  /** Driver calls into the socket's callbacks, counted so that their calibrated cost can be taken off. */
  deliveries = 0;

  /** Binds callbacks as a socket constructor would (Moddable's TCP takes them in its options). */
  bind(options: Callbacks): this {
    enter();
    this.#onReadable = options.onReadable;
    this.#onWritable = options.onWritable;
    this.#onError = options.onError;
    this.target = options.target;
    this.format = "buffer";
    leave();
    return this;
  }

  get queued(): number { return this.#segment.length - this.#at; }

  read(into?: Uint8Array | ArrayBuffer | number): number | ArrayBuffer | undefined {
    // one bracket for the fake's work; only a buffer Moddable's native read would allocate is left
    // outside it, and nothing block-scoped: this XS allocates chunk bytes for such blocks' scopes
    enter();
    let result: number | ArrayBuffer | undefined = this.#take(into);
    let copy = 0;
    if (result === -1) copy = typeof into === "number" ? into : this.#segment.length - this.#at;
    leave();
    if (copy > 0) {
      result = new ArrayBuffer(copy); // counted: Moddable's native read(count) allocates it too
      enter();
      this.#copy(new Uint8Array(result));
      leave();
    }
    if (result === -2) throw new Error("invalid");
    return result;
  }

  /** A byte, a count read into `into`, undefined (nothing queued), -1 (allocate a buffer) or -2 (too much asked). */
  #take(into?: Uint8Array | ArrayBuffer | number): number | undefined {
    const queued = this.#segment.length - this.#at;
    if (queued === 0) return undefined;
    if (this.format === "number") return this.#segment[this.#at++];
    if (into === undefined) return -1;
    if (typeof into === "number") return into > queued ? -2 : -1;
    const view = into instanceof Uint8Array ? into : new Uint8Array(into);
    if (view.length > queued) return -2;
    this.#copy(view);
    return view.length;
  }

  #copy(view: Uint8Array): void {
    view.set(this.#segment.subarray(this.#at, this.#at + view.length));
    this.#at += view.length;
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
    this.#onReadable?.call(this, segment.length); // ECMA-419: the socket is `this`
  }

  /** The peer acknowledged everything written: the room is whole again. */
  ack(room = ROOM): void {
    enter();
    this.room = room;
    this.deliveries++;
    leave();
    this.#onWritable?.call(this, room);
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

  /** From here on, writes are frames; the handshake's bytes, read, are let go (a socket keeps none it delivered). */
  opened(): void {
    if (this.#at !== this.#segment.length) throw new Error(`${this.#segment.length - this.#at} bytes of the handshake's answer left unread`);
    this.head = null;
    this.#segment = NOTHING;
    this.#at = 0;
  }
}

/** A socket constructor (ECMA-419 shape) that hands out the socket prepared for it. */
export function socketClass(next: () => FakeSocket): new (options: Callbacks) => FakeSocket {
  return function FakeTcp(options: Callbacks) { return next().bind(options); } as unknown as new (options: Callbacks) => FakeSocket;
}
