// An in-memory Network with ECMA-419 semantics and a manual clock, so that clients and servers run
// under XS (which has no sockets or timers in the test host) and every run is deterministic.
// Sockets read exactly what they are asked for, refuse writes past their window, and report the
// end of a connection after its queue is drained. As Moddable's sockets, a socket is held (and
// counted) after onError until its owner closes it, and past `maxSockets` a new one cannot be made,
// as lwIP runs out of sockets on a board.

import type { Network, SocketOptions, TcpSocket } from "../../firmware/websocket/io.js";

export interface MemoryNetwork extends Network {
  /** Runs queued work and timers that are due, advancing the clock by `ms` at most; returns tasks run. */
  run(ms: number): number;
  readonly now: number;
  /** Sockets made and not closed (listeners apart), and the most there were at once. */
  readonly openSockets: number;
  readonly mostOpen: number;
  readonly openListeners: number;
}

export function memoryNetwork(window = 5744, maxSockets = Infinity): MemoryNetwork {
  let open = 0;
  let mostOpen = 0;
  const tasks: (() => void)[] = [];
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let now = 0;
  let nextTimer = 1;
  const listeners = new Map<number, { pending: Pipe[]; onReadable(count: number): void }>();

  /** One direction of a connection. */
  class Pipe {
    queue: Uint8Array[] = [];
    queued = 0;
    ended = false;
    reader: SocketOptions | null = null;
    peer: Pipe | null = null;
    notify(): void {
      tasks.push(() => {
        const r = this.reader;
        if (r === null) return;
        if (this.queued > 0) r.onReadable?.(this.queued);
        else if (this.ended) { this.reader = null; r.onError?.(); }
      });
    }
  }

  class MemorySocket implements TcpSocket {
    readonly #in: Pipe;
    #out: Pipe | null = null;
    #closed = false;

    constructor(options: SocketOptions) {
      if (open >= maxSockets) throw new Error("no socket free"); // lwIP's pool is used up
      open++;
      if (open > mostOpen) mostOpen = open;
      if (options.from instanceof Pipe) {
        this.#in = options.from;
        this.#out = options.from.peer;
      } else {
        this.#in = new Pipe();
        const listener = listeners.get(options.port ?? 0);
        if (listener === undefined) {
          this.#in.ended = true; // refused: the end arrives like a reset
        } else {
          const toServer = new Pipe();
          toServer.peer = this.#in;
          this.#in.peer = toServer;
          this.#out = toServer;
          listener.pending.push(toServer);
          tasks.push(() => listener.onReadable(listener.pending.length));
        }
      }
      this.#in.reader = options;
      const out = this.#out;
      if (out !== null) tasks.push(() => options.onWritable?.(window - out.queued));
      this.#in.notify();
    }

    read(buffer: Uint8Array): number {
      const pipe = this.#in;
      if (buffer.length === 0 || buffer.length > pipe.queued) throw new Error("invalid");
      let n = 0;
      while (n < buffer.length) {
        const head = pipe.queue[0];
        const take = Math.min(head.length, buffer.length - n);
        buffer.set(head.subarray(0, take), n);
        n += take;
        if (take === head.length) pipe.queue.shift();
        else pipe.queue[0] = head.subarray(take);
      }
      pipe.queued -= n;
      const writer = pipe.peer;
      // the sender learns of the room as the reader drains, like an acknowledgement
      if (writer !== null && writer.reader !== null) {
        const w = writer.reader;
        tasks.push(() => w.onWritable?.(window - pipe.queued));
      }
      if (pipe.queued === 0 && pipe.ended) pipe.notify();
      return n;
    }

    write(bytes: Uint8Array): number {
      const out = this.#out;
      if (this.#closed || out === null || out.ended) throw new Error("not connected");
      if (bytes.length > window - out.queued) throw new Error("would block");
      out.queue.push(bytes.slice());
      out.queued += bytes.length;
      out.notify();
      return window - out.queued;
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      open--;
      this.#in.reader = null;
      const out = this.#out;
      if (out !== null) {
        out.ended = true;
        out.notify();
      }
    }
  }

  class MemoryListener {
    readonly port: number;
    readonly #entry: { pending: Pipe[]; onReadable(count: number): void };
    constructor(options: { port: number; onReadable(count: number): void }) {
      this.port = options.port;
      this.#entry = { pending: [], onReadable: options.onReadable };
      listeners.set(options.port, this.#entry);
    }
    read(): Pipe | undefined { return this.#entry.pending.shift(); }
    close(): void { if (listeners.get(this.port) === this.#entry) listeners.delete(this.port); }
  }

  return {
    socket: { io: MemorySocket },
    listener: { io: MemoryListener },
    timers: {
      set: (callback: () => void, ms: number): unknown => {
        const id = nextTimer++;
        timers.push({ at: now + ms, callback, id });
        return id;
      },
      clear: (id: unknown): void => { timers = timers.filter((t) => t.id !== id); },
    },
    get now() { return now; },
    get openSockets() { return open; },
    get mostOpen() { return mostOpen; },
    get openListeners() { return listeners.size; },
    run(ms: number): number {
      const until = now + ms;
      let ran = 0;
      for (;;) {
        while (tasks.length > 0) {
          (tasks.shift() as () => void)();
          ran++;
        }
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at > until) break;
        timers.shift();
        now = next.at;
        next.callback();
        ran++;
      }
      now = until;
      return ran;
    },
  };
}
