// A session drives one Connection over one ECMA-419 socket, for the client and the server alike:
// it opens the connection when the handshake succeeds, starts the closing handshake, and ends the
// socket after it or at its timeout. Its base classes read and write (session-io.js) and hold the
// send queue bounded in bytes (send-queue.js); before the WebSocket opens it carries the raw bytes
// of the opening handshake (handshake-io.js).

import { Connection, type ConnectionHandler } from "./core/connection.js";
import { INPUT_START, W_TX_DIRECT, W_TX_ROOM_MOST } from "./core/layout.js";
import { HandshakeIo } from "./handshake-io.js";
import type { SocketCallbacks, TcpSocket, Timers } from "./io.js";
import { SessionIo } from "./session-io.js";
import { utf8Native } from "./core/utf8.js";
import { OPCODE_BINARY, OPCODE_TEXT } from "./core/constants.js";
import type { RawReader, SessionHandler, SessionOptions } from "./session-settings.js";

export type { RawReader, SessionHandler, SessionOptions };

/**
 * Payload size from which a frame (binary, or a device's text bytes) goes under one header in
 * pieces the size of the output area (direct-payload.js): past the one-pass small frames.
 */
const DIRECT_FROM = 126;

export class Session extends SessionIo {
  private closeTimer: unknown = null;

  /** The open connection; null until the handshake is done. */
  get connection(): Connection | null { return this.conn; }

  /**
   * Socket callbacks in ECMA-419's `target` form, to pass to the socket constructor: the socket
   * calls them with itself as `this` and holds the session as its `target`, so every session shares
   * the same three functions (closures would cost each socket ~35 XS slots and 200 chunk bytes).
   */
  callbacks(): Required<SocketCallbacks> {
    return { target: this, onReadable: onTargetReadable, onWritable: onTargetWritable, onError: onTargetError };
  }

  /** The same callbacks as closures, for a socket that calls back some other way (Moddable's TLSSocket example). */
  closures(): Required<Omit<SocketCallbacks, "target">> {
    return {
      onReadable: (count: number) => this.readable(count),
      onWritable: (count: number) => this.writable(count),
      onError: () => this.lost(),
    };
  }

  attach(socket: TcpSocket, raw: RawReader | null): void {
    if (this.over) {
      socket.close(); // ended before its socket came: nothing else would close it
      return;
    }
    this.socket = socket;
    (this.raw ??= this.handshakeIo(raw)).reader = raw;
  }

  /** TCP came up: the socket has had room to write once. */
  get connected(): boolean { return this.conn !== null || this.raw?.connected === true; }

  /** The handshake succeeded (the connection is made then, and kept after it ends). */
  get opened(): boolean { return this.conn !== null; }
  get ended(): boolean { return this.over; }
  /** UTF-8 bytes accepted by send() and not yet handed to the socket, the message being sent included. */
  get bufferedAmount(): number { return this.queued + this.pending + (this.conn?.sendRemaining ?? 0); }

  /** Writes raw bytes (a handshake or HTTP response) as room allows; `last` ends the socket after. */
  writeRaw(bytes: Uint8Array, last = false): void {
    const io = this.raw ??= this.handshakeIo(null);
    io.out.push(bytes);
    io.endAfter = last;
    this.flush();
  }

  /**
   * The handshake is done: frames from here on. `rest[start, end)`, bytes that followed the head,
   * are consumed after the caller returns, before anything more is read. Messages go to `handler`
   * (the session's own by default); the session's handler still hears onDrain and onEnd.
   */
  open(rest: Uint8Array, start: number, end: number, handler: ConnectionHandler = this.handler): void {
    // the app's handler itself (or the one the owner names): no copy, no hop on the path of every message
    // frames past the small ones go under one header, their payload in pieces through the output area (direct-payload.js)
    // each setting read as it is; a client's own options (their platform given) make a client whatever
    // else an app's object carries, its random and natives its platform's
    const o = this.options;
    const app = o.platform;
    const conn = new Connection({ role: app !== undefined ? "client" : o.role ?? "client", handler,
      random: app !== undefined ? app.random32 : o.random, natives: app ?? o.natives, maxMessage: o.maxMessage,
      maxFragments: o.maxFragments, streaming: o.streaming, inputSize: o.inputSize, outputSize: o.outputSize,
      fragmentSize: o.fragmentSize, directFrom: DIRECT_FROM });
    this.conn = conn;
    conn.words[W_TX_ROOM_MOST] = this.room; // raised by onWritable (writable())
    if (this.raw !== null && this.raw.out.length === 0) this.raw = null; // else when written
    if (end > start) {
      // the rest is at most one handshake read, which the input area holds
      conn.memory.set(rest.subarray(start, end), INPUT_START);
      this.heldFrom = INPUT_START;
      this.heldTo = INPUT_START + end - start;
    }
    this.flush();
  }

  /**
   * Accepts a message (see SendQueue.send). The commonest ones, binary data (or a device's text, as
   * its native UTF-8 bytes) in one frame with nothing waiting, are encoded and written in one pass: an
   * app streaming readings pays for no queue.
   */
  override send(data: string | Uint8Array): boolean {
    const conn = this.conn;
    if (!(data instanceof Uint8Array)) {
      if (conn !== null && conn.natives.text !== undefined) {
        // a device's string, its own bytes copied into the frame by the text natives: no buffer a message
        if (this.pending === 0 && this.raw === null && this.queue.length === 0 && !this.over) {
          const n = conn.encodeTextAtOnce(data, this.room);
          if (n !== 0) {
            if (this.write(conn, n) && conn.words[W_TX_DIRECT] !== 0) this.flush();
            return true;
          }
        }
        return super.send(data);
      }
      // else its UTF-8 bytes, converted natively once (null on Node: the general path encodes it)
      const bytes = utf8Native(data);
      return bytes === null ? super.send(data) : this.sendUtf8(bytes);
    }
    if (conn !== null && this.pending === 0 && this.raw === null && this.queue.length === 0 && !this.over) {
      const n = conn.encodeAtOnce(data, this.room, OPCODE_BINARY);
      if (n !== 0) {
        // a payload past what the output area holds follows in pieces; what the socket has no room for, on onWritable
        if (this.write(conn, n) && conn.words[W_TX_DIRECT] !== 0) this.flush();
        return true;
      }
    }
    return super.send(data);
  }

  /**
   * A text message given as its UTF-8 bytes (valid: utf8Native's), as send() takes a device's text
   * once converted: at once as binary data is when nothing waits, else through the queue. (send()
   * keeps its own copy of these lines for binary data: a call costs XS ~20 steps a message.)
   */
  sendUtf8(bytes: Uint8Array): boolean {
    const conn = this.conn;
    if (conn !== null && this.pending === 0 && this.raw === null && this.queue.length === 0 && !this.over) {
      const n = conn.encodeAtOnce(bytes, this.room, OPCODE_TEXT);
      if (n !== 0) {
        if (this.write(conn, n) && conn.words[W_TX_DIRECT] !== 0) this.flush();
        return true;
      }
    }
    return super.send(bytes, true);
  }

  /** Starts the closing handshake; the socket is dropped if the peer does not answer in time. */
  close(code?: number, reason?: string): void {
    if (this.over) return;
    const conn = this.conn;
    if (conn === null) return this.drop();
    conn.close(code, reason);
    this.armCloseTimer();
    this.flush();
  }

  /** Ends at once: the socket is closed, and an open connection reports 1006. */
  drop(): void {
    this.lost();
  }

  writable(count: number): void {
    this.room = count;
    // the most the socket has had: a direct frame's pieces wait for a whole output area's room up to it
    const words = this.conn?.words;
    if (words !== undefined && count > words[W_TX_ROOM_MOST]) words[W_TX_ROOM_MOST] = count;
    const raw = this.raw;
    if (raw !== null) raw.connected = true;
    this.flush();
    // a pong that had no room is out now: the input behind it, and the socket's, can go on
    if (this.heldFrom < this.heldTo || this.unread > 0) {
      this.pump();
      this.flush();
    }
  }

  /** The socket ended or failed: it is closed here, exactly once, as Moddable's sockets need. */
  lost(): void {
    if (this.over) return;
    this.over = true;
    this.clearCloseTimer();
    const socket = this.socket;
    this.socket = null;
    try {
      socket?.close();
    } catch {
      // closing a broken socket may throw; it is released either way
    }
    this.conn?.end();
    this.clearQueue();
    this.handler.onEnd?.();
  }

  private handshakeIo(reader: RawReader | null): HandshakeIo {
    return new HandshakeIo(reader, this.options.inputSize);
  }

  /** The options' network's timers (a client's options as the app gave them), else their own. */
  private get timers(): Timers {
    const o = this.options;
    return o.network !== undefined ? o.network.timers : o.timers as Timers;
  }

  protected armCloseTimer(): void {
    if (this.closeTimer !== null || this.over) return;
    // settings read from the options when used: a field each would cost every session a slot
    this.closeTimer = this.timers.set(() => {
      this.closeTimer = null;
      this.drop();
    }, this.options.closeTimeout ?? 5000);
  }

  private clearCloseTimer(): void {
    if (this.closeTimer !== null) {
      this.timers.clear(this.closeTimer);
      this.closeTimer = null;
    }
  }
}

/** A socket's callbacks in the `target` form (Session.callbacks): `this` is the socket, its target the session. */
function onTargetReadable(this: { target: Session }, count: number): void { this.target.readable(count); }
function onTargetWritable(this: { target: Session }, count: number): void { this.target.writable(count); }
function onTargetError(this: { target: Session }): void { this.target.lost(); }
