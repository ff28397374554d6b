// A browser-style WebSocket over the client, for code written against the web API: onopen,
// onmessage, onclose, onerror, send, close, readyState, bufferedAmount, protocol, binaryType.
// Unlike a browser's, its send queue is bounded: a send past it throws instead of growing memory.

import { WebSocketClient, type ClientOptions } from "./client.js";
import { utf8Decode, utf8Length } from "./core/utf8.js";
import { OPCODE_TEXT } from "./core/constants.js";

export interface MessageEventLike { type: "message"; data: string | ArrayBuffer }
export interface CloseEventLike { type: "close"; code: number; reason: string; wasClean: boolean }
export interface ErrorEventLike { type: "error"; code: string; status: number; message: string }

/** What the device or host must provide, and optional limits; events come through the on* properties. */
export type WebSocketOptions = Pick<ClientOptions, "network" | "platform"> &
  Partial<Omit<ClientOptions, "url" | "protocols" | "reconnect" | "onOpen" | "onMessage" | "onPiece" | "onClose" | "onError" | "streaming">>;

export class WebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  onopen: ((event: { type: "open" }) => void) | null = null;
  onmessage: ((event: MessageEventLike) => void) | null = null;
  onclose: ((event: CloseEventLike) => void) | null = null;
  onerror: ((event: ErrorEventLike) => void) | null = null;
  readonly url: string;
  readonly extensions = "";
  #binaryType: "arraybuffer" = "arraybuffer";
  #client: WebSocketClient;
  #readyState = WebSocket.CONNECTING;

  constructor(url: string, protocols: string | string[] | undefined, options: WebSocketOptions) {
    this.url = url;
    this.#client = new WebSocketClient({
      ...options, url, protocols: protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols],
      reconnect: false,
      onOpen: () => {
        this.#readyState = WebSocket.OPEN;
        this.onopen?.({ type: "open" });
      },
      onMessage: (type, data, length) => {
        const payload = type === OPCODE_TEXT ? utf8Decode(data, 0, length) : (data.buffer as ArrayBuffer).slice(data.byteOffset, data.byteOffset + length);
        this.onmessage?.({ type: "message", data: payload as string | ArrayBuffer });
      },
      onError: (p) => this.onerror?.({ type: "error", ...p }),
      onClose: (code, reason, clean) => {
        this.#readyState = WebSocket.CLOSED;
        this.onclose?.({ type: "close", code, reason, wasClean: clean });
      },
    });
  }

  get readyState(): number { return this.#readyState; }
  get bufferedAmount(): number { return this.#client.bufferedAmount; }
  get protocol(): string { return this.#client.protocol; }
  get binaryType(): "arraybuffer" { return this.#binaryType; }
  set binaryType(value: "arraybuffer") {
    if (value !== "arraybuffer") throw new TypeError("only binaryType \"arraybuffer\" is supported (no Blob here)");
    this.#binaryType = value;
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    // a browser would drop data sent after close without a word; here it is an error the caller sees
    if (this.#readyState !== WebSocket.OPEN) throw new Error(`InvalidStateError: ${this.#readyState === 0 ? "still connecting" : "closed"}`);
    const message = typeof data === "string" ? data : data instanceof ArrayBuffer ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (!this.#client.send(message)) throw new RangeError("send queue full: wait for bufferedAmount to fall");
  }

  close(code?: number, reason = ""): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new Error("InvalidAccessError: close code must be 1000 or 3000-4999");
    }
    if (utf8Length(reason) > 123) throw new SyntaxError("close reason over 123 bytes");
    if (this.#readyState >= WebSocket.CLOSING) return;
    this.#readyState = WebSocket.CLOSING;
    this.#client.close(code ?? 1000, reason);
  }
}
