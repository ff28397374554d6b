// The sending half of a session: send(), sendPiece(), ping() and pong(), and the messages (and
// pieces of messages) accepted while the connection was still sending another, bounded in UTF-8
// bytes (what goes on the wire, not UTF-16 units: three times the limit of 3-byte text would fit
// otherwise). The base of Session, so that it costs no object of its own (XS: a slot a field).

import { type Connection, STATE_OPEN } from "./core/connection.js";
import { STATE_MASK, W_CONN_STATE } from "./core/layout.js";
import { UsageErrors, WebSocketUsageError } from "./core/errors.js";

/** What a queue entry is: a whole message, text held as its UTF-8 bytes, or a piece (| PIECE_* flags). */
const ENTRY_MESSAGE = 0;
const ENTRY_TEXT_BYTES = 1;
const ENTRY_PIECE = 2;
const PIECE_TEXT = 4;
const PIECE_FINAL = 8;

/**
 * The queue of a session that has never had to queue: shared and never written (enqueue() makes a
 * session its own arrays), since an array costs XS 2 slots and most sessions' sends go out at once.
 */
const NO_ENTRIES: never[] = [];

export abstract class SendQueue {
  protected queue: (string | Uint8Array)[] = NO_ENTRIES;
  /** Each entry's UTF-8 bytes x 16 + what it is (ENTRY_*: one array, not two), and the bytes' sum. */
  private sizes: number[] = NO_ENTRIES;
  protected queued = 0;
  /** A send was refused: onDrain is due once the queue is down to half. */
  protected refused = false;

  /** The open connection; null until the handshake is done. */
  abstract get connection(): Connection | null;
  /** UTF-8 bytes that may wait: read from the settings when a message waits (a field would cost every session a slot). */
  protected abstract get maxQueue(): number;
  /** UTF-8 bytes accepted and not yet handed to the socket. */
  abstract get bufferedAmount(): number;
  /** Writes what the connection has to send, as the socket has room. */
  protected abstract flush(): void;

  /**
   * Accepts a message (true) or refuses it when the queue is full (false, then onDrain). Throws
   * WS_ERR_PIECES_OPEN while a message sent in pieces waits for its final piece, WS_ERR_INVALID_DATA
   * for null or undefined (on an open connection; a closed one returns false). `utf8`: data is
   * the UTF-8 bytes of a text message (valid: utf8Native's): Session.send converts a device's text
   * so, once, whether it goes out now or waits in the queue; a string here is encoded in script.
   */
  send(data: string | Uint8Array, utf8 = false): boolean {
    const conn = this.connection;
    // the state word read as it is: a getter call costs XS about 20 steps a message
    if (conn === null || (conn.words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) return false;
    if (data == null) throw new WebSocketUsageError(UsageErrors.INVALID_DATA);
    if (this.queue.length === 0 && !conn.sending) {
      if (utf8) conn.sendText(data as Uint8Array);
      else conn.send(data); // throws WS_ERR_PIECES_OPEN itself
      this.flush();
      return true;
    }
    if (this.piecesOpen(conn)) throw new WebSocketUsageError(UsageErrors.PIECES_OPEN);
    return this.enqueue(data, utf8 ? ENTRY_TEXT_BYTES : ENTRY_MESSAGE);
  }

  /**
   * Accepts a piece of a message larger than memory (a log from flash, a camera frame): `final`
   * ends it. Each piece is kept by reference until sent and counts in bufferedAmount; false when
   * the queue is full (then onDrain), so a writer goes at the pace of the socket, piece by piece.
   */
  sendPiece(data: Uint8Array, binary: boolean, final: boolean): boolean {
    const conn = this.connection;
    if (conn === null || conn.state !== STATE_OPEN) return false; // as send(): checked before the data
    if (!(data instanceof Uint8Array)) throw new WebSocketUsageError(UsageErrors.INVALID_DATA);
    if (this.queue.length === 0 && !conn.sending) {
      conn.sendPiece(data, 0, data.length, binary, final);
      this.flush();
    } else if (!this.enqueue(data, ENTRY_PIECE | (binary ? 0 : PIECE_TEXT) | (final ? PIECE_FINAL : 0))) {
      return false;
    }
    return true;
  }

  ping(payload?: Uint8Array): void {
    const conn = this.connection;
    if (conn === null || conn.state !== STATE_OPEN) return;
    conn.ping(payload);
    this.flush();
  }

  /** Queues an unsolicited pong. */
  pong(payload?: Uint8Array): void {
    const conn = this.connection;
    if (conn === null || conn.state !== STATE_OPEN) return;
    conn.pong(payload);
    this.flush();
  }

  /** The app has sent pieces of a message and not its final one: the newest queued entry says, or the connection. */
  private piecesOpen(conn: Connection): boolean {
    const n = this.sizes.length;
    if (n === 0) return conn.piecesOpen;
    const kind = this.sizes[n - 1] & 15;
    return (kind & ENTRY_PIECE) !== 0 && (kind & PIECE_FINAL) === 0;
  }

  /** Queues a message or a piece behind what is buffered, or refuses it (false) past maxQueue. */
  private enqueue(data: string | Uint8Array, kind: number): boolean {
    // a device's text is counted by its natives, else in script (or comes as its bytes: Session.send)
    const conn = this.connection as Connection;
    const size = data instanceof Uint8Array ? data.length : conn.utf8Size(data);
    if (this.bufferedAmount + size > this.maxQueue) {
      this.refused = true;
      return false;
    }
    if (this.queue === NO_ENTRIES) {
      this.queue = [];
      this.sizes = [];
    }
    this.queue.push(data);
    this.sizes.push(size * 16 + kind);
    this.queued += size;
    return true;
  }

  /** Starts sending the oldest entry on `conn`, which can take one. */
  protected sendNext(conn: Connection): void {
    const entry = this.sizes.shift() as number;
    const kind = entry & 15;
    const size = (entry - kind) / 16;
    const next = this.queue.shift() as string | Uint8Array;
    if (kind === ENTRY_MESSAGE) conn.send(next);
    else if (kind === ENTRY_TEXT_BYTES) conn.sendText(next as Uint8Array);
    else conn.sendPiece(next as Uint8Array, 0, size, (kind & PIECE_TEXT) === 0, (kind & PIECE_FINAL) !== 0);
    this.queued -= size;
  }

  /** A send was refused and the queue is down to half: time for onDrain (once). */
  protected drained(): boolean {
    if (!this.refused || this.queued >= this.maxQueue / 2) return false;
    this.refused = false;
    return true;
  }

  protected clearQueue(): void {
    this.queue = NO_ENTRIES;
    this.sizes = NO_ENTRIES;
    this.queued = 0;
  }
}
