// A session drives one Connection over one ECMA-419 socket, for the client and the server alike:
// it reads into the connection's input area, writes frames only as the socket has room, holds a
// send queue bounded in bytes, and ends the socket after the closing handshake or its timeout.
// Before the WebSocket opens, it carries the raw bytes of the opening handshake.

import { Connection, type ConnectionHandler, STATE_CLOSED, STATE_OPEN } from "./core/connection.js";
import { INPUT_START, STATE_MASK, W_CONN_INPUT_SIZE, W_CONN_OUTPUT_START, W_CONN_STATE, W_TX_PONG } from "./core/layout.js";
import { HandlerErrors } from "./core/errors.js";
import { SendQueue } from "./send-queue.js";
import type { TcpSocket, Timers } from "./io.js";
import type { RawReader, SessionHandler, SessionOptions } from "./session-settings.js";

export type { RawReader, SessionHandler, SessionOptions };

/** Bytes read at a time during the opening handshake, into the session's own small buffer. */
const HANDSHAKE_READ = 256;

export class Session extends SendQueue {
  /** Made when the handshake succeeds: a pending or refused connection holds no frame buffers. */
  #conn: Connection | null = null;
  readonly #options: SessionOptions;
  readonly #handler: SessionHandler;
  #socket: TcpSocket | null = null;
  /** The handshake's reader and its small read buffer: one field, let go when the connection opens. */
  #raw: { read: RawReader | null; buffer: Uint8Array | null } | null = null;
  /**
   * The last view read into and the last written from: ECMA-419 takes whole buffers, and a view
   * costs XS 4 slots, so one is kept while reads (or frames) keep their size.
   */
  #readView: Uint8Array | null = null;
  /** The view of the read size before #readView's: segments of two sizes alternate (full and a tail). */
  #readOther: Uint8Array | null = null;
  #writeView: Uint8Array | null = null;
  /** Bytes the socket has queued that are not read yet (its last onReadable count, less our reads). */
  #unread = 0;
  /** Input read but not yet consumed: memory[#heldFrom, #heldTo), behind a ping whose pong waits. */
  #heldFrom = 0;
  #heldTo = 0;
  /** Handshake bytes (or an HTTP answer) waiting for room; null once written. */
  #rawOut: Uint8Array[] | null = null;
  #room = 0;
  /** Bytes of an encoded frame the socket refused, written before anything else. */
  #pending = 0;
  #closeTimer: unknown = null;
  #endAfterWrite = false;
  #ended = false;

  constructor(options: SessionOptions, handler: SessionHandler) {
    super(options.maxQueue ?? 16384);
    this.#options = options;
    this.#handler = handler;
  }

  /** Bytes arrived since the owner last set this to false: a heartbeat's sign of life, once per read. */
  heard = false;

  /** The open connection; null until the handshake is done. */
  get connection(): Connection | null { return this.#conn; }

  /** Socket callbacks, to pass to the socket constructor. */
  callbacks(): { onReadable(count: number): void; onWritable(count: number): void; onError(): void } {
    return {
      onReadable: (count: number) => this.readable(count),
      onWritable: (count: number) => this.writable(count),
      onError: () => this.lost(),
    };
  }

  attach(socket: TcpSocket, raw: RawReader | null): void {
    if (this.#ended) {
      socket.close(); // ended before its socket came: nothing else would close it
      return;
    }
    this.#socket = socket;
    this.#raw = { read: raw, buffer: null };
  }

  /** The handshake succeeded (the connection is made then, and kept after it ends). */
  get opened(): boolean { return this.#conn !== null; }
  get ended(): boolean { return this.#ended; }
  /** UTF-8 bytes accepted by send() and not yet handed to the socket, the message being sent included. */
  get bufferedAmount(): number { return this.queued + this.#pending + (this.#conn?.sendRemaining ?? 0); }

  /** Writes raw bytes (a handshake or HTTP response) as room allows; `last` ends the socket after. */
  writeRaw(bytes: Uint8Array, last = false): void {
    (this.#rawOut ??= []).push(bytes);
    this.#endAfterWrite = last;
    this.flush();
  }

  /**
   * The handshake is done: frames from here on. `rest[start, end)`, bytes that followed the head,
   * are consumed after the caller returns, before anything more is read. Messages go to `handler`
   * (the session's own by default); the session's handler still hears onDrain and onEnd.
   */
  open(rest: Uint8Array, start: number, end: number, handler: ConnectionHandler = this.#handler): void {
    // the app's handler itself (or the one the owner names): no copy, no hop on the path of every message
    const conn = new Connection({ ...this.#options, handler });
    this.#conn = conn;
    this.#raw = null;
    if (end > start) {
      // the rest is at most one handshake read, which the input area holds
      conn.memory.set(rest.subarray(start, end), INPUT_START);
      this.#heldFrom = INPUT_START;
      this.#heldTo = INPUT_START + end - start;
    }
    this.flush();
  }

  /** Starts the closing handshake; the socket is dropped if the peer does not answer in time. */
  close(code?: number, reason?: string): void {
    if (this.#ended) return;
    const conn = this.#conn;
    if (conn === null) return this.drop();
    conn.close(code, reason);
    this.#armCloseTimer();
    this.flush();
  }

  /** Ends at once: the socket is closed, and an open connection reports 1006. */
  drop(): void {
    this.lost();
  }

  /** `count` bytes are queued in all: ECMA-419 reads exactly what it is asked for, so ask for no more. */
  readable(count: number): void {
    this.heard = true;
    this.#unread = count;
    this.#pump();
    // most reads answer nothing (a flush with nothing to write costs XS hundreds of steps): only a
    // pong, a close or its echo, or the handshake's answer is written from here
    const words = this.#conn?.words; // the state words (layout.js): no getter call
    if (words === undefined || words[W_TX_PONG] !== 0 || (words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) this.flush();
  }

  writable(count: number): void {
    this.#room = count;
    this.flush();
    // a pong that had no room is out now: the input behind it, and the socket's, can go on
    if (this.#heldFrom < this.#heldTo || this.#unread > 0) {
      this.#pump();
      this.flush();
    }
  }

  /** The socket ended or failed: it is closed here, exactly once, as Moddable's sockets need. */
  lost(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#clearCloseTimer();
    const socket = this.#socket;
    this.#socket = null;
    try {
      socket?.close();
    } catch {
      // closing a broken socket may throw; it is released either way
    }
    this.#conn?.end();
    this.clearQueue();
    this.#handler.onEnd?.();
  }

  /**
   * Reads into the input area and hands the bytes over, stopping while a ping's pong waits for
   * room: a peer that floods pings and never reads fills its own TCP window, not our memory.
   */
  #pump(): void {
    const conn = this.#conn;
    if (conn === null) return this.#pumpHandshake();
    const memory = conn.memory;
    const words = conn.words;
    while (!this.#ended) {
      if (words[W_TX_PONG] !== 0) {
        this.flush(); // a pong first, every ping its own
        if (words[W_TX_PONG] !== 0 || this.#ended) return; // no room: onWritable resumes
      }
      let from = this.#heldFrom;
      let to = this.#heldTo;
      let view: Uint8Array | undefined; // a fresh read's view: exactly memory[from, to)
      if (from === to) {
        const count = this.#unread;
        const socket = this.#socket;
        if (count <= 0 || socket === null) return;
        const size = words[W_CONN_INPUT_SIZE];
        const n = count < size ? count : size;
        view = this.#readView ?? undefined;
        if (view === undefined || view.length !== n) {
          // the two sizes read last are kept, the newer first: a view costs XS 4 slots
          const other = this.#readOther;
          this.#readOther = view ?? null;
          view = this.#readView = other !== null && other.length === n ? other : memory.subarray(INPUT_START, INPUT_START + n);
        }
        try {
          socket.read(view);
        } catch {
          return this.drop(); // the socket refused the read: it is broken
        }
        this.#unread = count - n;
        from = INPUT_START;
        to = INPUT_START + n;
      } else this.#heldFrom = to;
      let stop: number;
      try {
        stop = conn.receive(memory, from, to, view);
      } catch (error) {
        // the app's callback threw: an app bug, reported as such and closed with 1011, not a flaky link
        conn.handlerFailed(HandlerErrors.THREW, error);
        this.#armCloseTimer();
        this.flush();
        return;
      }
      // once a close starts nothing may wait forever: an echo the socket never takes, a peer
      // that never closes TCP, a socket that stops calling back
      if ((words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) this.#armCloseTimer();
      if (stop < to) {
        this.#heldFrom = stop; // behind a ping: its pong goes out first
        this.#heldTo = to;
      }
    }
  }

  /** The opening handshake: small reads into the session's own buffer, for the head reader. */
  #pumpHandshake(): void {
    while (!this.#ended && this.#conn === null) {
      const count = this.#unread;
      const socket = this.#socket;
      if (count <= 0 || socket === null) return;
      const raw = this.#raw;
      if (raw === null) return;
      const area = raw.buffer ??= new Uint8Array(Math.min(HANDSHAKE_READ, this.#options.inputSize ?? HANDSHAKE_READ));
      const n = count < area.length ? count : area.length;
      const view = n === area.length ? area : area.subarray(0, n);
      try {
        socket.read(view);
      } catch {
        return this.drop();
      }
      this.#unread = count - n;
      raw.read?.(view, n); // none after a refusal: the rest is read and let go
    }
    if (this.#conn !== null) this.#pump(); // opened: the bytes after the head, then the socket's
  }

  protected flush(): void {
    const socket = this.#socket;
    if (socket === null || this.#ended) return;
    const conn = this.#conn;
    try {
      if (this.#rawOut !== null && !this.#writeRaw(socket, this.#rawOut)) return;
      if (this.#endAfterWrite) return this.drop();
      if (conn === null) return; // still in the handshake
      const memory = conn.memory;
      const output = conn.words[W_CONN_OUTPUT_START];
      for (;;) {
        let n = this.#pending;
        if (n === 0) {
          if (this.queue.length > 0 && conn.canSend) this.sendNext(conn);
          n = this.#pending = conn.encodeNext(this.#room);
          if (n === 0) break;
        }
        if (n > this.#room) break; // the socket's room shrank: wait for onWritable
        let view = this.#writeView;
        if (view === null || view.length !== n) view = this.#writeView = memory.subarray(output, output + n);
        this.#room = (socket.write(view) as number) ?? 0;
        this.#pending = 0;
        if (this.queue.length === 0 && !conn.hasOutput) break; // nothing more: skip an idle encodeNext
      }
    } catch {
      this.#room = 0; // "would block": the same bytes go out on the next onWritable
    }
    if (conn === null) return;
    if (this.refused && this.drained()) this.#handler.onDrain?.();
    // both close frames are exchanged (or ours follows a failure): end TCP, or wait for the peer to
    if ((conn.words[W_CONN_STATE] & STATE_MASK) === STATE_CLOSED && this.#pending === 0 && !conn.hasOutput) {
      if (this.#options.closesFirst || conn.closeInitiator === "failure") this.drop();
      else this.#armCloseTimer();
    }
  }

  /** The handshake's bytes (or an HTTP answer), as room allows; false while some wait for room. */
  #writeRaw(socket: TcpSocket, out: Uint8Array[]): boolean {
    while (out.length > 0) {
      const head = out[0];
      const n = Math.min(head.length, this.#room);
      if (n === 0) return false;
      this.#room = (socket.write(n === head.length ? head : head.subarray(0, n)) as number) ?? 0;
      if (n === head.length) out.shift();
      else out[0] = head.subarray(n);
    }
    this.#rawOut = null; // all out: an open connection holds no array for it
    return true;
  }

  #armCloseTimer(): void {
    if (this.#closeTimer !== null || this.#ended) return;
    // settings read from the options when used: a field each would cost every session a slot
    this.#closeTimer = this.#options.timers.set(() => {
      this.#closeTimer = null;
      this.drop();
    }, this.#options.closeTimeout ?? 5000);
  }

  #clearCloseTimer(): void {
    if (this.#closeTimer !== null) {
      this.#options.timers.clear(this.#closeTimer);
      this.#closeTimer = null;
    }
  }
}
