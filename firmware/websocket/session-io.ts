// The I/O half of a session: reads from the socket into the connection's input area (the opening
// handshake into a small buffer of its own) and hands the bytes over, and writes frames only as the
// socket has room. Session, which extends it, owns the lifecycle: opening, closing, timers.

import type { Connection } from "./core/connection.js";
import { HandlerErrors } from "./core/errors.js";
import { INPUT_START, STATE_CLOSED, STATE_MASK, STATE_OPEN, W_CONN_INPUT_SIZE, W_CONN_OUTPUT_START, W_CONN_STATE,
  W_TX_PONG } from "./core/layout.js";
import type { HandshakeIo } from "./handshake-io.js";
import type { TcpSocket } from "./io.js";
import { SendQueue } from "./send-queue.js";
import type { SessionHandler, SessionOptions } from "./session-settings.js";

export abstract class SessionIo extends SendQueue {
  /** Made when the handshake succeeds: a pending or refused connection holds no frame buffers. */
  protected conn: Connection | null = null;
  protected readonly options: SessionOptions;
  protected readonly handler: SessionHandler;
  protected socket: TcpSocket | null = null;
  /** The handshake's bytes both ways: one field, let go once the connection is open and they are written. */
  protected raw: HandshakeIo | null = null;
  /**
   * The last view read into and the last written from: ECMA-419 takes whole buffers, and a view
   * costs XS 4 slots, so one is kept while reads (or frames) keep their size.
   */
  private readView: Uint8Array | undefined = undefined;
  /** The view of the read size before readView's: segments of two sizes alternate (full and a tail). */
  private readOther: Uint8Array | undefined = undefined;
  private writeView: Uint8Array | null = null;
  /** The view of the write size before writeView's: a large message's pieces and its last one alternate. */
  private writeOther: Uint8Array | null = null;
  /** Bytes the socket has queued that are not read yet (its last onReadable count, less our reads). */
  protected unread = 0;
  /** Input read but not yet consumed: memory[heldFrom, heldTo), behind a ping whose pong waits. */
  protected heldFrom = 0;
  protected heldTo = 0;
  protected room = 0;
  /** Bytes of an encoded frame the socket refused, written before anything else. */
  protected pending = 0;
  /** The socket is closed (or was never to come): nothing more is read, written or reported. */
  protected over = false;
  /** Bytes arrived since the owner last set this to false: a heartbeat's sign of life, once per read. */
  heard = false;

  constructor(options: SessionOptions, handler: SessionHandler) {
    super();
    this.options = options;
    this.handler = handler;
  }

  protected get maxQueue(): number { return this.options.maxQueue ?? 16384; }

  /** Ends at once: the socket is closed, and an open connection reports 1006. */
  abstract drop(): void;
  /** Once a close starts nothing may wait forever: the socket is dropped at the close timeout. */
  protected abstract armCloseTimer(): void;

  /**
   * `count` bytes are queued in all: ECMA-419 reads exactly what it is asked for, so ask for no more.
   * The commonest read (a view kept, so the connection open once; nothing held or over, no pong
   * waiting, all of it fitting the input area) is read and handed over here in one pass, its checks
   * the fewest that decide it: XS charges a step a bytecode, and this runs for every segment. The
   * first read, and any other, goes through pump().
   */
  readable(count: number): void {
    this.heard = true;
    let view = this.readView; // made only of the connection's memory, never longer than its input area
    if (view !== undefined && this.heldFrom === this.heldTo && !this.over) {
      const conn = this.conn as Connection;
      const words = conn.words;
      // a read of another size than the last: the view of the one before, or a new one (readViewOf)
      if (view.length !== count) view = count > 0 && count <= words[W_CONN_INPUT_SIZE] ? this.readViewOf(conn, count) : undefined;
      if (view !== undefined && words[W_TX_PONG] === 0) {
        const to = INPUT_START + count;
        let stop = to;
        let reading = true;
        try { // no return inside: XS adds a dozen steps to leave a try by one
          (this.socket as TcpSocket).read(view);
          reading = false;
          this.unread = 0;
          stop = conn.receive(conn.memory, INPUT_START, to);
        } catch (error) {
          return this.threw(conn, reading, error);
        }
        if (stop === to && words[W_TX_PONG] === 0 && (words[W_CONN_STATE] & STATE_MASK) === STATE_OPEN) return;
        if (stop < to) {
          this.heldFrom = stop; // behind a ping: its pong goes out first (pump)
          this.heldTo = to;
        }
        if ((words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) this.armCloseTimer();
      } else this.unread = count;
    } else this.unread = count;
    this.pump();
    // most reads answer nothing (a flush with nothing to write costs XS hundreds of steps): only a
    // pong, a close or its echo, or the handshake's answer is written from here
    const words = this.conn?.words; // the state words (layout.js): no getter call
    if (words === undefined || words[W_TX_PONG] !== 0 || (words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) this.flush();
  }

  /**
   * Reads into the input area and hands the bytes over, stopping while a ping's pong waits for
   * room: a peer that floods pings and never reads fills its own TCP window, not our memory. One
   * try for the read and the handing over (XS charges about 23 steps a try, and this runs per read).
   */
  protected pump(): void {
    const conn = this.conn;
    if (conn === null) return this.pumpHandshake();
    const words = conn.words;
    let reading = false;
    try {
      while (!this.over) { // the socket is set while not over (attach, lost): no null check
        if (words[W_TX_PONG] !== 0) {
          this.flush(); // a pong first, every ping its own
          if (words[W_TX_PONG] !== 0 || this.over) return; // no room: onWritable resumes
        }
        let from = this.heldFrom;
        let to = this.heldTo;
        if (from === to) {
          const count = this.unread;
          if (count <= 0) return;
          const n = count < words[W_CONN_INPUT_SIZE] ? count : words[W_CONN_INPUT_SIZE];
          let view = this.readView;
          if (view === undefined || view.length !== n) view = this.readViewOf(conn, n);
          reading = true;
          (this.socket as TcpSocket).read(view);
          reading = false;
          this.unread = count - n;
          from = INPUT_START;
          to = INPUT_START + n;
        } else this.heldFrom = to;
        from = conn.receive(conn.memory, from, to); // where it stopped
        // once a close starts nothing may wait forever: an echo the socket never takes, a peer
        // that never closes TCP, a socket that stops calling back
        if ((words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) this.armCloseTimer();
        if (from < to) {
          this.heldFrom = from; // behind a ping: its pong goes out first
          this.heldTo = to;
        } else if (this.unread <= 0) return; // all read and handed over: the commonest end
      }
    } catch (error) {
      this.threw(conn, reading, error);
    }
  }

  /** A read or the handing over threw. */
  private threw(conn: Connection, reading: boolean, error: unknown): void {
    if (reading) return this.drop(); // the socket refused the read: it is broken
    // the app's callback threw: an app bug, reported as such and closed with 1011, not a flaky link
    conn.handlerFailed(HandlerErrors.THREW, error);
    this.armCloseTimer();
    this.flush();
  }

  /** A view of the input area for a read of n bytes: the two sizes read last are kept, the newer first (a view costs XS 4 slots). */
  private readViewOf(conn: Connection, n: number): Uint8Array {
    const other = this.readOther;
    this.readOther = this.readView;
    return this.readView = other !== undefined && other.length === n ? other : conn.memory.subarray(INPUT_START, INPUT_START + n);
  }

  /** The opening handshake: small reads into the session's own buffer, for the head reader. */
  private pumpHandshake(): void {
    while (!this.over && this.conn === null) {
      const count = this.unread;
      const socket = this.socket;
      const raw = this.raw;
      if (count <= 0 || socket === null || raw === null) return;
      try {
        this.unread = count - raw.read(socket, count);
      } catch {
        return this.drop();
      }
    }
    if (this.conn !== null) this.pump(); // opened: the bytes after the head, then the socket's
  }

  protected flush(): void {
    const socket = this.socket;
    if (socket === null || this.over) return;
    const conn = this.conn;
    try {
      const raw = this.raw;
      if (raw !== null) {
        const room = raw.write(socket, this.room);
        this.room = room < 0 ? 0 : room;
        if (room < 0) return; // the rest on the next onWritable
        if (raw.endAfter) return this.drop();
        if (conn !== null) this.raw = null; // all written: an open connection holds nothing of it
      }
      if (conn === null) return; // still in the handshake
      for (;;) {
        let n = this.pending;
        if (n === 0) {
          if (this.queue.length > 0 && conn.canSend) this.sendNext(conn);
          n = this.pending = conn.encodeNext(this.room);
          if (n === 0) break;
        }
        if (n > this.room) break; // the socket's room shrank: wait for onWritable
        if (!this.write(conn, n)) break;
        if (this.queue.length === 0 && !conn.hasOutput) break; // nothing more: skip an idle encodeNext
      }
    } catch {
      this.room = 0; // "would block": the same bytes go out on the next onWritable
    }
    if (conn === null) return;
    if (this.refused && this.drained()) this.handler.onDrain?.();
    // both close frames are exchanged (or ours follows a failure): end TCP, or wait for the peer to
    if ((conn.words[W_CONN_STATE] & STATE_MASK) === STATE_CLOSED && this.pending === 0 && !conn.hasOutput) {
      if (this.options.closesFirst || conn.closeInitiator === "failure") this.drop();
      else this.armCloseTimer();
    }
  }

  /**
   * Writes the frame of n bytes at the connection's output area; false when the socket would block
   * (the frame stays there, pending, and goes out on the next onWritable).
   */
  protected write(conn: Connection, n: number): boolean {
    const output = conn.words[W_CONN_OUTPUT_START];
    let view = this.writeView;
    if (view === null || view.length !== n) {
      // the two sizes written last are kept, the newer first (as reads' views: readViewOf)
      const other = this.writeOther;
      this.writeOther = view;
      view = this.writeView = other !== null && other.length === n ? other : conn.memory.subarray(output, output + n);
    }
    try {
      this.room = ((this.socket as TcpSocket).write(view) as number) ?? 0;
    } catch {
      this.room = 0;
      this.pending = n;
      return false;
    }
    this.pending = 0;
    return true;
  }
}
