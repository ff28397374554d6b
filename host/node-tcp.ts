// ECMA-419 TCP semantics over node:net and node:tls: a bounded receive queue read into the caller's
// buffer (the TCP window closes while it is full), and a bounded send window: write() refuses what
// does not fit and returns the room left, onWritable reports room again as data leaves. So the host
// reproduces a device's backpressure instead of hiding it in Node's unbounded socket buffers.

import dns from "node:dns";
import net from "node:net";
import tls from "node:tls";
import type { SocketOptions, TcpSocket } from "../firmware/websocket/io.js";

export interface NodeSocketOptions extends SocketOptions {
  /** Bytes queued before reading from the network stops; lwIP's TCP_WND on an ESP32 is 5,744. */
  receiveWindow?: number;
  /** Bytes in flight before write() refuses; TCP_SND_BUF on an ESP32 is 5,744. */
  sendWindow?: number;
}

/** Defaults close to an ESP32's lwIP (4 segments of 1,436 bytes). */
export const DEVICE_WINDOW = 5744;

/**
 * Sockets and listeners made and not yet closed, with what they are. As on a device, a socket
 * stays here after onError until its owner calls close(): tests assert that this ends empty.
 */
export const openSockets = new Map<object, string>();

export class NodeTCP implements TcpSocket {
  /** ECMA-419's `target` option, as given: callbacks are called with this socket as `this`. */
  readonly target: unknown;
  readonly #socket: net.Socket;
  readonly #options: NodeSocketOptions;
  readonly #receiveWindow: number;
  readonly #sendWindow: number;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #inFlight = 0;
  #ended = false;
  #closed = false;
  #reported = false;
  #corked = false;

  constructor(options: NodeSocketOptions) {
    this.#options = options;
    this.target = options.target;
    this.#receiveWindow = options.receiveWindow ?? DEVICE_WINDOW;
    this.#sendWindow = options.sendWindow ?? DEVICE_WINDOW;
    if (options.from instanceof net.Socket) {
      this.#socket = options.from;
      setImmediate(() => this.#writable());
    } else {
      const host = options.address ?? options.host ?? "127.0.0.1";
      this.#socket = options.secure
        ? tls.connect({ host, port: options.port, servername: net.isIP(host) ? undefined : host, ...options.secure },
          () => this.#writable())
        : net.connect({ host, port: options.port as number }, () => this.#writable());
    }
    this.#socket.setNoDelay(options.nodelay ?? true);
    this.#socket.on("data", (data: Buffer) => this.#data(data));
    this.#socket.on("end", () => this.#end());
    this.#socket.on("close", () => this.#end());
    this.#socket.on("error", () => this.#end());
    if (options.from !== undefined) this.#socket.resume(); // the listener paused it until adopted
    openSockets.set(this, options.from !== undefined ? `accepted socket from port ${this.#socket.remotePort}`
      : `socket to ${options.address ?? options.host}:${options.port}`);
  }

  get remoteAddress(): string | undefined { return this.#socket.remoteAddress; }
  get remotePort(): number | undefined { return this.#socket.remotePort; }

  /** Reads exactly buffer.length bytes, as Moddable's sockets do: more than are queued throws. */
  read(buffer: Uint8Array): number {
    if (buffer.length === 0 || buffer.length > this.#queued) throw new Error("invalid");
    let n = 0;
    while (n < buffer.length && this.#queue.length > 0) {
      const head = this.#queue[0];
      const take = Math.min(head.length, buffer.length - n);
      buffer.set(head.subarray(0, take), n);
      n += take;
      if (take === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(take);
    }
    this.#queued -= n;
    if (this.#queued < this.#receiveWindow && this.#socket.isPaused() && !this.#ended) this.#socket.resume();
    // after the caller has handled these last bytes (a close frame, say), not inside this call
    if (this.#queued === 0 && this.#ended) setImmediate(() => this.#reportEnd());
    return n;
  }

  write(bytes: Uint8Array): number {
    if (this.#closed || this.#ended) throw new Error("not connected");
    if (bytes.length > this.#sendWindow - this.#inFlight) throw new Error("would block");
    this.#inFlight += bytes.length;
    const n = bytes.length;
    // frames written in one turn leave in one system call, as lwIP coalesces segments
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    // copied: the caller reuses its buffer at once, as on a device
    this.#socket.write(Buffer.from(bytes), () => {
      this.#inFlight -= n;
      this.#writable();
    });
    return this.#sendWindow - this.#inFlight;
  }

  close(): void {
    openSockets.delete(this);
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ended) this.#socket.destroy();
    else {
      this.#socket.end();
      this.#socket.destroySoon?.();
    }
  }

  /** Drops the connection at once, with a TCP reset where the platform allows (tests of faults). */
  abort(): void {
    openSockets.delete(this);
    this.#closed = true;
    this.#socket.resetAndDestroy();
  }

  #data(data: Buffer): void {
    this.#queue.push(data);
    this.#queued += data.length;
    if (this.#queued >= this.#receiveWindow) this.#socket.pause();
    // 'data' never fires inside a call into this socket, so the callback can run at once
    if (!this.#closed) this.#options.onReadable?.call(this, this.#queued);
  }

  #writable(): void {
    if (!this.#closed && !this.#ended) this.#options.onWritable?.call(this, this.#sendWindow - this.#inFlight);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#queued === 0) setImmediate(() => this.#reportEnd());
  }

  /**
   * onError comes after everything received has been read, as ECMA-419 specifies. The socket is
   * not released here: as Moddable's sockets (and their lwIP sockets) it is held until close().
   */
  #reportEnd(): void {
    if (this.#closed || this.#reported) return;
    this.#reported = true;
    this.#options.onError?.call(this);
  }
}

/** A TLS socket constructor: the same class, with `secure` given (wss://). */
export class NodeTLS extends NodeTCP {
  constructor(options: NodeSocketOptions) {
    super({ ...options, secure: options.secure ?? {} });
  }
}

export class NodeListener {
  readonly #server: net.Server;
  readonly #pending: net.Socket[] = [];

  constructor(options: { port: number; address?: string; onReadable(count: number): void; secure?: tls.TlsOptions }) {
    const accept = (socket: net.Socket) => {
      socket.pause(); // nothing is read until the connection is adopted
      this.#pending.push(socket);
      options.onReadable(this.#pending.length);
    };
    this.#server = options.secure ? tls.createServer(options.secure, accept) : net.createServer(accept);
    this.#server.listen(options.port, options.address ?? "127.0.0.1");
    openSockets.set(this, `listener on port ${options.port}`);
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** Resolves when listening (port 0 picks a free port). */
  ready(): Promise<void> {
    return this.#server.listening ? Promise.resolve() : new Promise((resolve) => this.#server.once("listening", () => resolve()));
  }

  read(): net.Socket | undefined {
    return this.#pending.shift();
  }

  close(): void {
    openSockets.delete(this);
    this.#server.close();
    for (const s of this.#pending.splice(0)) s.destroy();
  }
}

export const nodeTimers = Object.freeze({
  set: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clear: (timer: unknown): void => clearTimeout(timer as NodeJS.Timeout),
});

/** An ECMA-419-shaped DNS resolver over node:dns, to run the device's name-resolution path on Node. */
export class NodeResolver {
  resolve(options: { host: string; onResolved(host: string, address: string): void; onError(host: string): void }): void {
    dns.lookup(options.host, { family: 4 }, (error, address) => {
      if (error) options.onError(options.host);
      else options.onResolved(options.host, address);
    });
  }

  close(): void {}
}
