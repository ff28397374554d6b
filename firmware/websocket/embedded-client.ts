// Moddable SDK 8's ECMA-419 WebSocket client (embedded:network/websocket/client), the same surface
// over our core: a Session and its Connection in streaming mode, our handshake object, our checks.
// An app written for Moddable's class switches by its import or its host-provider entry alone.
// Bytes of a message are read in pieces with read(); a message is written in pieces with
// write(buffer, {more: true}), each piece a frame of its own, and onWritable comes again once the
// socket has taken the pieces written so far: backpressure per piece.

import { ClientHandshake, HANDSHAKE_FAILED, HANDSHAKE_WAIT } from "./core/client-handshake.js";
import { OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG, OPCODE_TEXT } from "./core/constants.js";
import { utf8Decode, utf8Encode } from "./core/utf8.js";
import type { ResolverConstructor, SocketConstructor, TcpSocket, Timers } from "./io.js";
import type { Platform } from "./platform.js";
import { resolveHost } from "./resolve.js";
import { Session } from "./session.js";
import { IncomingPieces } from "./embedded-pieces.js";

/** Compared with on every read: under XS a string literal is a new string each time it is evaluated. */
const BUFFER = "buffer";

type ByteBuffer = ArrayBuffer | ArrayBufferView;

export interface WebSocketClientOptions {
  host?: string;
  port?: number;
  path?: string;
  protocol?: string;
  headers?: Map<string, string>;
  socket?: { io: SocketConstructor } & Record<string, unknown>;
  dns?: { io: ResolverConstructor } & Record<string, unknown>;
  /** A socket already upgraded (a server's side handed over by an HTTP server): frames at once, unmasked. */
  attach?: { constructor: SocketConstructor };
  /** "buffer" (default): read() gives ArrayBuffers; "number": one byte at a time, as a number. */
  format?: "buffer" | "number";
  /** Any value the app wants kept on the instance (ECMA-419's target). */
  target?: unknown;
  onReadable?(this: EmbeddedWebSocketClient, count: number, options: { binary: boolean; more: boolean }): void;
  onWritable?(this: EmbeddedWebSocketClient, count: number): void;
  onControl?(this: EmbeddedWebSocketClient, opcode: number, data: ArrayBuffer): void;
  onClose?(this: EmbeddedWebSocketClient): void;
  /** Our addition to the pattern: the reason is a WS_ERR_* code. */
  onError?(this: EmbeddedWebSocketClient, reason?: string): void;
}

export interface WriteOptions { binary?: boolean; more?: boolean; opcode?: number }

/** What a device or host binds the class to: Moddable's own class takes these from its globals. */
export interface EmbeddedEnvironment { platform: Platform; timers: Timers }

export interface EmbeddedWebSocketClient {
  read(count?: number | Uint8Array): ArrayBuffer | number | undefined;
  write(data: ByteBuffer, options?: WriteOptions): number;
  close(): void;
}

/**
 * What write() sends: an ArrayBuffer, or the bytes any view (a typed array, a DataView) covers. A
 * string or null is a TypeError: new Uint8Array("hello") would be an empty message.
 */
function bytesOf(data: ByteBuffer): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("write takes an ArrayBuffer or a view of one");
}

/** The class, bound to a platform (SHA-1, random) and timers: a device binds it once in its host provider. */
export function webSocketClientClass(env: EmbeddedEnvironment) {
  return class WebSocketClient implements EmbeddedWebSocketClient {
    static readonly text = OPCODE_TEXT;
    static readonly binary = OPCODE_BINARY;
    static readonly close = OPCODE_CLOSE;
    static readonly ping = OPCODE_PING;
    static readonly pong = OPCODE_PONG;

    readonly #options: WebSocketClientOptions;
    readonly #session: Session;
    readonly #incoming: IncomingPieces;
    readonly #masked: boolean;
    #room = 0;
    #open = false;
    #closedClean = false;
    #reason = "WS_ERR_CONNECTION_LOST";
    #silent = false;
    format: "buffer" | "number";
    target?: unknown;

    constructor(options: WebSocketClientOptions) {
      this.#options = options;
      this.format = options.format ?? "buffer";
      if (options.format !== undefined && options.format !== "buffer" && options.format !== "number") throw new RangeError("format");
      if (options.target !== undefined) this.target = options.target;
      this.#masked = options.attach === undefined;
      this.#incoming = new IncomingPieces(env.timers, (count, binary, more) => this.call("onReadable", count, { binary, more }));
      this.#session = new Session({ role: this.#masked ? "client" : "server", random: env.platform.random32, natives: env.platform, timers: env.timers,
        closesFirst: !this.#masked, streaming: true }, {
        onPiece: (type, data, start, end, _offset, final) => this.#incoming.piece(data, start, end, type === OPCODE_BINARY, !final),
        onPing: (data, start, end) => this.call("onControl", OPCODE_PING, copy(data, start, end)),
        onPong: (data, start, end) => this.call("onControl", OPCODE_PONG, copy(data, start, end)),
        onError: (p) => { this.#reason = p.code; },
        onClose: (code, reason, clean) => {
          this.#closedClean = clean;
          if (clean) this.call("onControl", OPCODE_CLOSE, closePayload(code, reason));
        },
        onEnd: () => (this.#closedClean ? this.call("onClose") : this.call("onError", this.#reason)),
      });
      if (options.attach !== undefined) this.attach(options.attach);
      else this.connect(options);
    }

    /** Bytes of the current piece: all of them, `count` at most, or into `buffer` (then how many). */
    read(count?: number | Uint8Array): ArrayBuffer | number | undefined {
      if (this.format === BUFFER) return this.#incoming.read(count);
      const byte = this.#incoming.read(1) as ArrayBuffer | undefined; // "number": the next byte
      return byte === undefined ? undefined : new Uint8Array(byte)[0];
    }

    /**
     * Sends `data` as a frame: a whole message, a piece of one ({more: true} on all but the last),
     * or a control frame ({opcode}). Returns the room left; onWritable follows once it is sent.
     */
    write(data: ByteBuffer, options?: WriteOptions): number {
      if (!this.#open) throw new Error("WebSocket is not open");
      const bytes = bytesOf(data);
      const session = this.#session;
      const opcode = options?.opcode;
      if (opcode === OPCODE_CLOSE) {
        const code = bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : 1000;
        session.close(code, utf8Decode(bytes, Math.min(2, bytes.length), bytes.length));
        this.#open = false;
        return 0;
      }
      // a ping's payload is read when encoded: copied here, as ECMA-419's writes take the bytes at once
      // (a pong's the connection copies itself)
      if (opcode === OPCODE_PING) session.ping(bytes.slice());
      else if (opcode === OPCODE_PONG) session.pong(bytes);
      else if (opcode !== undefined) throw new RangeError(`opcode ${opcode} cannot be written`);
      // a piece of the message, counted in bufferedAmount until the socket takes it; copied, as
      // ECMA-419's writes are: the app may fill its buffer again as soon as write() returns
      else if (!session.sendPiece(bytes.slice(), options?.binary ?? true, options?.more !== true)) {
        throw new Error("write queue full: wait for onWritable");
      }
      return Math.max(0, this.#room - session.bufferedAmount);
    }

    /** Closes the socket at once, without a closing handshake and without callbacks, as Moddable's does. */
    close(): void {
      this.#silent = true;
      this.#open = false;
      this.#incoming.stop();
      this.#session.drop();
    }

    private connect(options: WebSocketClientOptions): void {
      const host = options.host ?? "";
      const port = options.port ?? 80;
      const headers: Record<string, string> = {};
      options.headers?.forEach((value, name) => { headers[name] = value; });
      const handshake = new ClientHandshake({ host, port, path: options.path ?? "/", headers,
        protocols: options.protocol ? [options.protocol] : [] }, env.platform.random32, env.platform.sha1);
      const session = this.#session;
      resolveHost(options.dns, host, (address, name) => {
        if (session.ended) return;
        try {
          session.attach(this.socket(options.socket?.io, { ...options.socket, address, host: name, port }), (bytes, count) => {
            const end = handshake.feed(bytes, 0, count);
            if (end === HANDSHAKE_WAIT) return;
            if (end === HANDSHAKE_FAILED) {
              this.#reason = handshake.problem!.code;
              return session.drop();
            }
            session.open(bytes, end, count);
            this.opened();
          });
          session.writeRaw(handshake.next()!);
        } catch {
          this.#reason = "WS_ERR_SOCKET";
          session.drop();
        }
      }, () => {
        this.#reason = "WS_ERR_DNS";
        session.drop();
      });
    }

    private attach(from: { constructor: SocketConstructor }): void {
      this.#session.attach(this.socket(from.constructor, { from }), null);
      this.#session.open(new Uint8Array(0), 0, 0);
      this.opened();
    }

    /** The socket, seen through a wrapper that counts what of our frames the socket took. */
    private socket(io: SocketConstructor | undefined, options: Record<string, unknown>): TcpSocket {
      if (io === undefined) throw new TypeError("options.socket.io is required");
      const callbacks = this.#session.closures(); // whatever socket the app hands over: no `target` form assumed
      const socket = new io({ ...options, onReadable: callbacks.onReadable, onError: callbacks.onError,
        onWritable: (count: number) => {
          this.#room = count;
          callbacks.onWritable(count);
          this.announceWritable();
        } });
      return {
        read: (buffer: Uint8Array) => socket.read(buffer),
        write: (bytes: Uint8Array) => {
          const room = socket.write(bytes); // throws when it would block: nothing was taken
          this.#room = typeof room === "number" ? room : 0;
          return room;
        },
        close: () => socket.close(),
      };
    }

    private opened(): void {
      this.#open = true;
      this.announceWritable();
    }

    /** Every piece written so far is in the socket: the app may write the next. */
    private announceWritable(): void {
      if (this.#open && this.#session.bufferedAmount === 0 && this.#room > 0) this.call("onWritable", this.#room);
    }

    private call(name: "onReadable" | "onWritable" | "onControl" | "onClose" | "onError", ...args: unknown[]): void {
      if (this.#silent) return;
      if (name === "onClose" || name === "onError") this.#open = false;
      (this.#options[name] as ((...a: unknown[]) => void) | undefined)?.apply(this, args);
    }
  };
}

function copy(data: Uint8Array, start: number, end: number): ArrayBuffer {
  return (data.buffer as ArrayBuffer).slice(data.byteOffset + start, data.byteOffset + end);
}

/** A close frame's payload as onControl hands it over: the code, big-endian, then the reason. */
function closePayload(code: number, reason: string): ArrayBuffer {
  const text = utf8Encode(reason);
  const bytes = new Uint8Array(code === 1005 ? 0 : 2 + text.length);
  if (bytes.length > 0) {
    bytes[0] = code >> 8;
    bytes[1] = code & 0xff;
    bytes.set(text, 2);
  }
  return bytes.buffer as ArrayBuffer;
}
