// The connection state machine over an open WebSocket: ping/pong and the closing handshake with who
// started it, over a Receiver (bytes in, messages out) and a FrameSender (frames out). Sans-I/O:
// bytes go in through receive(), frames come out of encodeNext(), events go to the handler; nothing
// allocates per frame.

import { CLOSE_ABNORMAL, CLOSE_NO_STATUS, MAX_CONTROL_PAYLOAD, MAX_HEADER, OPCODE_CLOSE, OPCODE_PING,
  isValidWireCloseCode } from "./constants.js";
import { UsageErrors, WebSocketUsageError, FrameErrors, type WebSocketProblem } from "./errors.js";
import { type DataHandler, Receiver } from "./receiver.js";
import { align4, TAIL_BYTES } from "./layout.js";
import { FrameSender, type Random32 } from "./sender.js";
import { UTF8_ACCEPT, utf8Decode, utf8Length, utf8Validate } from "./utf8.js";

export interface ConnectionHandler extends DataHandler {
  /** A ping arrived, its payload in data[start, end); its pong is already queued. */
  onPing?(data: Uint8Array, start: number, end: number): void;
  onPong?(data: Uint8Array, start: number, end: number): void;
  /** The connection is closed: `clean` when both close frames were exchanged. */
  onClose?(code: number, reason: string, clean: boolean): void;
  /** The peer broke the protocol; onClose follows with the problem's close code. */
  onError?(problem: WebSocketProblem): void;
}

export interface ConnectionOptions {
  role: "client" | "server";
  handler: ConnectionHandler;
  /** Largest message in bytes: the whole-message buffer's size; 0 in streaming mode means no limit. */
  maxMessage?: number;
  /** Deliver pieces as they arrive (onPiece) instead of whole messages (onMessage). */
  streaming?: boolean;
  /** Size of the input area a transport reads into. */
  inputSize?: number;
  /** Size of the transmit buffer; a larger message is sent in fragments. */
  outputSize?: number;
  /** Fragment data messages at this payload size even when they would fit; 0 for no limit. */
  fragmentSize?: number;
  /** Strong random 32-bit values for mask keys: required on the client side. */
  random?: Random32;
}

export const STATE_OPEN = 1;
/** We sent (or queued) a close and wait for the peer's. */
export const STATE_CLOSING = 2;
export const STATE_CLOSED = 3;

export type CloseInitiator = "none" | "local" | "remote" | "failure" | "lost";

/**
 * The connection is the receiver (no call between them on the path of every frame) plus a sender.
 * One allocation holds every buffer (layout.js): fewer objects, as each typed array costs XS 4 to 7
 * slots, and payload moves from the input area to the message buffer with copyWithin.
 */
export class Connection extends Receiver {
  readonly #sender: FrameSender;
  readonly #fragmentSize: number;
  #state = STATE_OPEN;
  #initiator: CloseInitiator = "none";

  constructor(options: ConnectionOptions) {
    const client = options.role === "client";
    if (client && !(options.random instanceof Function)) throw new TypeError("a client needs options.random");
    const streaming = options.streaming === true;
    const maxMessage = options.maxMessage ?? (streaming ? 0 : 4096);
    const inputSize = align4(options.inputSize ?? 1460);
    const messageSize = streaming ? 0 : align4(maxMessage);
    const outputSize = align4(Math.max(options.outputSize ?? 1460, MAX_HEADER + MAX_CONTROL_PAYLOAD));
    const words = new Uint32Array((inputSize + messageSize + outputSize + TAIL_BYTES) >> 2);
    const buffer = words.buffer;
    super(words, new Uint8Array(buffer, 0, inputSize), new Uint8Array(buffer, inputSize, messageSize), options.handler,
      !client, streaming, maxMessage);
    this.#fragmentSize = options.fragmentSize ?? 0;
    this.#sender = new FrameSender(new Uint8Array(buffer, inputSize + messageSize, outputSize), words, this.memory,
      client ? options.random as Random32 : null);
  }

  /** Encoded frames; encodeNext() says how many bytes at its start are ready to write. */
  get output(): Uint8Array { return this.#sender.output; }
  get state(): number { return this.#state; }
  get closeInitiator(): CloseInitiator { return this.#initiator; }
  /** A send() would be accepted now. */
  get canSend(): boolean { return this.#state === STATE_OPEN && !this.#sender.busy; }
  /** Frames wait to be encoded. */
  get wantsWrite(): boolean { return this.#sender.pending; }
  /** Closed and nothing left to write: the transport may be closed. */
  get done(): boolean { return this.#state === STATE_CLOSED && !this.#sender.pending; }

  /** The transport ended (end of stream or reset): without a closing handshake that is 1006. */
  end(): void {
    if (this.#state === STATE_CLOSED) return;
    this.stop();
    this.closed("lost", CLOSE_ABNORMAL, "", false);
  }

  /** Encodes the next frame into output, at most `limit` bytes; returns its length, 0 for none. */
  encodeNext(limit = Number.MAX_SAFE_INTEGER): number {
    return this.#sender.encodeNext(limit);
  }

  /** Starts sending a message; encodeNext() produces its frames. Throws on misuse. */
  send(data: string | Uint8Array, start = 0, end = -1): void {
    this.checkOpen();
    if (this.#sender.busy) throw new WebSocketUsageError(UsageErrors.BUSY);
    // instanceof, not typeof: under XS each typeof result is a new string (24 chunk bytes)
    if (data instanceof Uint8Array) this.#sender.startBinary(data, start, end < 0 ? data.length : end, this.#fragmentSize);
    else this.#sender.startText(data, this.#fragmentSize);
  }

  ping(payload?: Uint8Array): void {
    this.checkOpen();
    const n = payload === undefined ? 0 : payload.length;
    if (n > MAX_CONTROL_PAYLOAD) throw new WebSocketUsageError(UsageErrors.CONTROL_TOO_LONG);
    this.#sender.queuePing(payload ?? this.memory, 0, n);
  }

  /** Starts the closing handshake; a message still being sent is cut short. */
  close(code = 1000, reason = ""): void {
    if (!isValidWireCloseCode(code)) throw new WebSocketUsageError(UsageErrors.BAD_CLOSE_CODE);
    if (utf8Length(reason) > MAX_CONTROL_PAYLOAD - 2) throw new WebSocketUsageError(UsageErrors.REASON_TOO_LONG);
    if (this.#state !== STATE_OPEN) return;
    this.#sender.queueClose(code, reason);
    this.#state = STATE_CLOSING;
    this.#initiator = "local";
  }

  private checkOpen(): void {
    if (this.#state !== STATE_OPEN) throw new WebSocketUsageError(UsageErrors.NOT_OPEN);
  }

  protected control(opcode: number, at: number, length: number): WebSocketProblem | null {
    const memory = this.memory;
    const handler = this.handler as ConnectionHandler;
    if (opcode === OPCODE_CLOSE) return this.peerClosed(memory, at, length);
    if (opcode === OPCODE_PING) {
      if (this.#state === STATE_OPEN) this.#sender.queuePong(memory, at, at + length);
      handler.onPing?.(memory, at, at + length);
    } else handler.onPong?.(memory, at, at + length);
    return null;
  }

  private peerClosed(memory: Uint8Array, at: number, n: number): WebSocketProblem | null {
    if (n === 1) return FrameErrors.CLOSE_PAYLOAD_1_BYTE;
    let code = CLOSE_NO_STATUS;
    let reason = "";
    if (n >= 2) {
      code = (memory[at] << 8) | memory[at + 1];
      if (!isValidWireCloseCode(code)) return FrameErrors.INVALID_CLOSE_CODE;
      if (utf8Validate(UTF8_ACCEPT, memory, at + 2, at + n) !== UTF8_ACCEPT) return FrameErrors.INVALID_CLOSE_REASON;
      reason = utf8Decode(memory, at + 2, at + n);
    }
    this.stop(); // anything after a close frame is ignored
    if (this.#state === STATE_OPEN) {
      this.#sender.queueClose(n >= 2 ? code : 0, ""); // echo the peer's code
      this.closed("remote", code, reason, true);
    } else this.closed(this.#initiator, code, reason, true);
    return null;
  }

  protected failed(p: WebSocketProblem): void {
    if (this.#state === STATE_CLOSED) return;
    (this.handler as ConnectionHandler).onError?.(p);
    this.#sender.queueClose(p.status, p.message);
    this.closed("failure", p.status, p.message, false);
  }

  private closed(initiator: CloseInitiator, code: number, reason: string, clean: boolean): void {
    this.#state = STATE_CLOSED;
    this.#initiator = initiator;
    (this.handler as ConnectionHandler).onClose?.(code, reason, clean);
  }
}
