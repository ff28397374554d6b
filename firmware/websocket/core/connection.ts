// The connection state machine over an open WebSocket: message assembly and its limits, UTF-8,
// ping/pong, and the closing handshake with who started it. Sans-I/O: bytes go in through
// receive(), frames come out of encodeNext(), events go to the handler; nothing allocates per frame.

import { CLOSE_ABNORMAL, CLOSE_NO_STATUS, MAX_CONTROL_PAYLOAD, MAX_HEADER, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG,
  OPCODE_TEXT, isValidWireCloseCode } from "./constants.js";
import { FrameErrors, UsageErrors, WebSocketUsageError, type WebSocketProblem } from "./errors.js";
import { FrameReceiver, type FrameSink } from "./receiver.js";
import { FrameSender, type Random32, SENDER_CONTROL_BYTES } from "./sender.js";
import { UTF8_ACCEPT, UTF8_REJECT, utf8Decode, utf8Length, utf8Validate } from "./utf8.js";

export interface ConnectionHandler {
  /** A whole message (whole-message mode): data[0, length) until the handler returns. */
  onMessage?(type: number, data: Uint8Array, length: number): void;
  /** A piece of a message (streaming mode): data[start, end) at `offset` in the message. */
  onPiece?(type: number, data: Uint8Array, start: number, end: number, offset: number, final: boolean): void;
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

export class Connection implements FrameSink {
  readonly #handler: ConnectionHandler;
  readonly #receiver: FrameReceiver;
  readonly #sender: FrameSender;
  readonly #streaming: boolean;
  readonly #maxMessage: number;
  readonly #fragmentSize: number;
  /**
   * One allocation holds every buffer: fewer objects (each typed array costs XS 4 to 7 slots), and
   * payload moves from the input to the message buffer with copyWithin. Layout:
   * input | message | output | received control payload | sender's control payloads | header scratch
   */
  readonly #memory: Uint8Array;
  readonly #words: Uint32Array;
  readonly #input: Uint8Array;
  readonly #message: Uint8Array;
  readonly #control: number;
  #state = STATE_OPEN;
  #initiator: CloseInitiator = "none";
  #inControl = false;
  #controlOpcode = 0;
  #controlLength = 0;
  #messageType = 0; // 0 when no data message is open
  #messageLength = 0;
  #frameFin = false;
  #frameLength = 0;
  #utf8 = UTF8_ACCEPT;

  constructor(options: ConnectionOptions) {
    const client = options.role === "client";
    if (client && typeof options.random !== "function") throw new TypeError("a client needs options.random");
    this.#handler = options.handler;
    this.#streaming = options.streaming === true;
    const maxMessage = options.maxMessage ?? (this.#streaming ? 0 : 4096);
    this.#maxMessage = maxMessage > 0 ? maxMessage : Number.MAX_SAFE_INTEGER;
    this.#fragmentSize = options.fragmentSize ?? 0;
    const inputSize = align4(options.inputSize ?? 1460);
    const messageSize = this.#streaming ? 0 : align4(maxMessage);
    const outputSize = align4(Math.max(options.outputSize ?? 1460, MAX_HEADER + MAX_CONTROL_PAYLOAD));
    const outputAt = inputSize + messageSize;
    this.#control = outputAt + outputSize;
    const senderAt = this.#control + MAX_CONTROL_PAYLOAD;
    const scratchAt = senderAt + SENDER_CONTROL_BYTES;
    this.#words = new Uint32Array(align4(scratchAt + MAX_HEADER) >> 2);
    const buffer = this.#words.buffer;
    this.#memory = new Uint8Array(buffer);
    this.#input = new Uint8Array(buffer, 0, inputSize);
    this.#message = new Uint8Array(buffer, inputSize, messageSize);
    this.#receiver = new FrameReceiver(this, !client, this.#memory, scratchAt);
    this.#sender = new FrameSender(new Uint8Array(buffer, outputAt, outputSize), this.#words, this.#memory, senderAt,
      client ? options.random as Random32 : null);
  }

  /** Where a transport should read: receive(input, 0, count) then consumes it without copying. */
  get input(): Uint8Array { return this.#input; }
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

  /** Consumes bytes from the peer, unmasking in place. Never throws on what the peer sent. */
  receive(bytes: Uint8Array, start: number, end: number): void {
    if (this.#receiver.stopped) return;
    const words = bytes.buffer === this.#memory.buffer ? this.#words : null;
    const p = this.#receiver.receive(bytes, words, start, end);
    if (p !== null) this.#fail(p);
  }

  /** The transport ended (end of stream or reset): without a closing handshake that is 1006. */
  end(): void {
    if (this.#state === STATE_CLOSED) return;
    this.#receiver.stop();
    this.#closed("lost", CLOSE_ABNORMAL, "", false);
  }

  /** Encodes the next frame into output, at most `limit` bytes; returns its length, 0 for none. */
  encodeNext(limit = Number.MAX_SAFE_INTEGER): number {
    return this.#sender.encodeNext(limit);
  }

  /** Starts sending a message; encodeNext() produces its frames. Throws on misuse. */
  send(data: string | Uint8Array, start = 0, end = -1): void {
    this.#checkOpen();
    if (this.#sender.busy) throw new WebSocketUsageError(UsageErrors.BUSY);
    // instanceof, not typeof: under XS each typeof result is a new string (24 chunk bytes)
    if (data instanceof Uint8Array) this.#sender.startBinary(data, start, end < 0 ? data.length : end, this.#fragmentSize);
    else this.#sender.startText(data, this.#fragmentSize);
  }

  ping(payload?: Uint8Array): void {
    this.#checkOpen();
    const n = payload === undefined ? 0 : payload.length;
    if (n > MAX_CONTROL_PAYLOAD) throw new WebSocketUsageError(UsageErrors.CONTROL_TOO_LONG);
    this.#sender.queuePing(payload ?? this.#memory, 0, n);
  }

  /** Starts the closing handshake; a message still being sent is cut short. */
  close(code = 1000, reason = ""): void {
    if (code !== 1000 && !(code >= 3000 && code <= 4999) && !isValidWireCloseCode(code)) {
      throw new WebSocketUsageError(UsageErrors.BAD_CLOSE_CODE);
    }
    if (utf8Length(reason) > MAX_CONTROL_PAYLOAD - 2) throw new WebSocketUsageError(UsageErrors.REASON_TOO_LONG);
    if (this.#state !== STATE_OPEN) return;
    this.#sender.queueClose(code, reason);
    this.#state = STATE_CLOSING;
    this.#initiator = "local";
  }

  #checkOpen(): void {
    if (this.#state !== STATE_OPEN) throw new WebSocketUsageError(UsageErrors.NOT_OPEN);
  }

  frameStart(opcode: number, fin: boolean, length: number): WebSocketProblem | null {
    this.#inControl = opcode >= 8;
    if (this.#inControl) {
      this.#controlOpcode = opcode;
      this.#controlLength = 0;
      return null;
    }
    if (opcode === 0) {
      if (this.#messageType === 0) return FrameErrors.UNEXPECTED_CONTINUATION;
    } else {
      if (this.#messageType !== 0) return FrameErrors.EXPECTED_CONTINUATION;
      this.#messageType = opcode;
      this.#messageLength = 0;
      this.#utf8 = UTF8_ACCEPT;
    }
    if (length > this.#maxMessage - this.#messageLength) return FrameErrors.MESSAGE_TOO_BIG;
    this.#frameFin = fin;
    this.#frameLength = length;
    return null;
  }

  framePayload(bytes: Uint8Array, start: number, end: number, frameDone: boolean): WebSocketProblem | null {
    if (this.#inControl) {
      const memory = this.#memory;
      let at = this.#control + this.#controlLength;
      for (let i = start; i < end; i++) memory[at++] = bytes[i];
      this.#controlLength = at - this.#control;
      return null;
    }
    const type = this.#messageType;
    const final = frameDone && this.#frameFin;
    if (type === OPCODE_TEXT) {
      this.#utf8 = utf8Validate(this.#utf8, bytes, start, end);
      if (this.#utf8 === UTF8_REJECT || (final && this.#utf8 !== UTF8_ACCEPT)) return FrameErrors.INVALID_UTF8;
    }
    const offset = this.#messageLength;
    this.#messageLength = offset + end - start;
    if (this.#streaming) {
      if (final) this.#messageType = 0;
      this.#handler.onPiece?.(type, bytes, start, end, offset, final);
    } else if (bytes.buffer === this.#memory.buffer) {
      const from = bytes.byteOffset + start;
      this.#memory.copyWithin(this.#message.byteOffset + offset, from, from + end - start);
    } else this.#message.set(bytes.subarray(start, end), offset);
    return null;
  }

  frameEnd(): WebSocketProblem | null {
    if (this.#inControl) return this.#controlEnd();
    if (!this.#frameFin) return null;
    const type = this.#messageType;
    if (this.#streaming) {
      if (this.#frameLength !== 0) return null; // the final piece carried final = true
      if (type === OPCODE_TEXT && this.#utf8 !== UTF8_ACCEPT) return FrameErrors.INVALID_UTF8;
      this.#messageType = 0;
      this.#handler.onPiece?.(type, this.#input, 0, 0, this.#messageLength, true);
      return null;
    }
    if (type === OPCODE_TEXT && this.#utf8 !== UTF8_ACCEPT) return FrameErrors.INVALID_UTF8;
    this.#messageType = 0;
    this.#handler.onMessage?.(type, this.#message, this.#messageLength);
    return null;
  }

  #controlEnd(): WebSocketProblem | null {
    const n = this.#controlLength;
    const at = this.#control;
    const opcode = this.#controlOpcode;
    if (opcode === OPCODE_CLOSE) return this.#peerClosed(at, n);
    if (opcode === OPCODE_PING) {
      if (this.#state === STATE_OPEN) this.#sender.queuePong(this.#memory, at, at + n);
      this.#handler.onPing?.(this.#memory, at, at + n);
    } else this.#handler.onPong?.(this.#memory, at, at + n);
    return null;
  }

  #peerClosed(at: number, n: number): WebSocketProblem | null {
    if (n === 1) return FrameErrors.CLOSE_PAYLOAD_1_BYTE;
    const memory = this.#memory;
    let code = CLOSE_NO_STATUS;
    let reason = "";
    if (n >= 2) {
      code = (memory[at] << 8) | memory[at + 1];
      if (!isValidWireCloseCode(code)) return FrameErrors.INVALID_CLOSE_CODE;
      if (utf8Validate(UTF8_ACCEPT, memory, at + 2, at + n) !== UTF8_ACCEPT) return FrameErrors.INVALID_CLOSE_REASON;
      reason = utf8Decode(memory, at + 2, at + n);
    }
    this.#receiver.stop(); // anything after a close frame is ignored
    if (this.#state === STATE_OPEN) {
      this.#sender.queueClose(n >= 2 ? code : 0, ""); // echo the peer's code
      this.#closed("remote", code, reason, true);
    } else this.#closed(this.#initiator, code, reason, true);
    return null;
  }

  #fail(p: WebSocketProblem): void {
    if (this.#state === STATE_CLOSED) return;
    this.#handler.onError?.(p);
    this.#sender.queueClose(p.status, p.message);
    this.#closed("failure", p.status, p.message, false);
  }

  #closed(initiator: CloseInitiator, code: number, reason: string, clean: boolean): void {
    this.#state = STATE_CLOSED;
    this.#initiator = initiator;
    this.#handler.onClose?.(code, reason, clean);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
