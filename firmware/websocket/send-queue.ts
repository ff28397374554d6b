// The messages a session has accepted while the connection was still sending another: bounded in
// UTF-8 bytes (what goes on the wire, not UTF-16 units: three times the limit of 3-byte text would
// fit otherwise). The base of Session, so that it costs no object of its own (XS: a slot a field).

import type { Connection } from "./core/connection.js";
import { utf8Length, utf8NativeLong } from "./core/utf8.js";

export class SendQueue {
  protected readonly queue: (string | Uint8Array)[] = [];
  /** UTF-8 bytes of each message in the queue (negative: text held as its bytes), and their sum. */
  readonly #sizes: number[] = [];
  protected queued = 0;
  readonly #maxQueue: number;
  #refused = false;

  constructor(maxQueue: number) {
    this.#maxQueue = maxQueue;
  }

  /** Queues a message behind `buffered` bytes, or refuses it (false) past maxQueue. */
  protected enqueue(data: string | Uint8Array, buffered: number): boolean {
    // a device's long text is queued as its bytes: counting them from a UTF-8 string walks it per index
    let entry = data;
    let size: number;
    if (data instanceof Uint8Array) size = data.length;
    else {
      const bytes = utf8NativeLong(data);
      if (bytes !== null) entry = bytes;
      size = bytes !== null ? -bytes.length : utf8Length(data);
    }
    const bytes = size < 0 ? -size : size;
    if (buffered + bytes > this.#maxQueue) {
      this.#refused = true;
      return false;
    }
    this.queue.push(entry);
    this.#sizes.push(size);
    this.queued += bytes;
    return true;
  }

  /** Starts sending the oldest message on `conn`, which can take one. */
  protected sendNext(conn: Connection): void {
    const size = this.#sizes.shift() as number;
    const next = this.queue.shift() as string | Uint8Array;
    if (size < 0) conn.sendText(next as Uint8Array);
    else conn.send(next);
    this.queued -= size < 0 ? -size : size;
  }

  /** A send was refused and the queue is down to half: time for onDrain (once). */
  protected drained(): boolean {
    if (!this.#refused || this.queued >= this.#maxQueue / 2) return false;
    this.#refused = false;
    return true;
  }

  protected clearQueue(): void {
    this.queue.length = 0;
    this.#sizes.length = 0;
    this.queued = 0;
  }
}
