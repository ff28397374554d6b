// The connection state machine over an open WebSocket: ping/pong and the closing handshake with who
// started it, over a Receiver (bytes in, messages out) and a FrameSender (frames out). Sans-I/O:
// bytes go in through receive(), frames come out of encodeNext(), events go to the handler; nothing
// allocates per frame.

import { CLOSE_ABNORMAL, CLOSE_NO_STATUS, MAX_CONTROL_PAYLOAD, MAX_HEADER, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_TEXT,
  isValidWireCloseCode } from "./constants.js";
import { UsageErrors, WebSocketUsageError, FrameErrors, type WebSocketProblem } from "./errors.js";
import { type DataHandler, Receiver } from "./receiver.js";
import { align4, INITIATOR_SHIFT, STATE_CLOSED, STATE_CLOSING, STATE_OPEN, TX_MORE, W_TX_OPCODE, INPUT_START, STATE_MASK, W_CONN_INPUT_SIZE, W_CONN_OUTPUT_SIZE, W_CONN_OUTPUT_START,
  W_CONN_STATE, W_RX_MAX_FRAGMENTS, W_RX_MAX_MESSAGE, W_TX_DIRECT, W_TX_DIRECT_FROM, W_TX_FRAGMENT_OPTION, W_TX_REMAINING } from "./layout.js";
import type { Natives, Random32 } from "../platform.js";
import { NO_NATIVES } from "./direct-payload.js";
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

/**
 * The platform's natives (Natives: mask, utf8, text, copy) may be given here one by one (a
 * connection then holds a bag of them), or as `natives`, one object many connections share.
 */
export interface ConnectionOptions extends Natives {
  role: "client" | "server";
  handler: ConnectionHandler;
  /** Largest message in bytes: the whole-message buffer's size; 0 in streaming mode means no limit. */
  maxMessage?: number;
  /** Most frames one received message may come in (1008 past it); 0 for no limit. Default 4,096. */
  maxFragments?: number;
  /** Deliver pieces as they arrive (onPiece) instead of whole messages (onMessage). */
  streaming?: boolean;
  /** Size of the input area a transport reads into (memory from inputStart). */
  inputSize?: number;
  /** Size of the transmit buffer; a larger message is sent in fragments. */
  outputSize?: number;
  /** Fragment data messages at this payload size even when they would fit; 0 for no limit. */
  fragmentSize?: number;
  /** Strong random 32-bit values for mask keys: required on the client side. */
  random?: Random32;
  /**
   * Frames with this much payload or more (binary, a device's string) go under one header of up to
   * 16 KiB, their payload in pieces the size of the output area from the encodeNext() calls after it
   * (direct-payload.js); 0 (the default): never, every frame is whole in the output area. Sessions set it.
   */
  directFrom?: number;
  /** The platform's natives as one object (the platform itself, say), held by reference: sessions give it. */
  natives?: Natives;
}

const EMPTY = new Uint8Array(0);

/** What close() may not send: a code no peer may receive (WS_ERR_INVALID_CLOSE_CODE), a reason past 123 bytes. */
export function checkClose(code: number, reason: string): void {
  if (!isValidWireCloseCode(code)) throw new WebSocketUsageError(UsageErrors.BAD_CLOSE_CODE);
  if (utf8Length(reason) > MAX_CONTROL_PAYLOAD - 2) throw new WebSocketUsageError(UsageErrors.REASON_TOO_LONG);
}

/** The natives given: the shared object, else a bag of those given one by one (a direct user's, a test's). */
function nativesOf(o: ConnectionOptions): Natives {
  if (o.natives !== undefined) return o.natives;
  return o.mask !== undefined || o.utf8 !== undefined || o.text !== undefined || o.copy !== undefined
    ? { mask: o.mask, utf8: o.utf8, text: o.text, copy: o.copy } : NO_NATIVES;
}
const OUTPUT_SHIFT = 2;

export { STATE_CLOSED, STATE_CLOSING, STATE_OPEN } from "./layout.js";

export type CloseInitiator = "none" | "local" | "remote" | "failure" | "lost";
const INITIATORS: readonly CloseInitiator[] = ["none", "local", "remote", "failure", "lost"];

/**
 * The connection is the receiver (no call between them on the path of every frame) plus the sender
 * it extends: one object. One allocation holds its buffers and its colder state (layout.js): a
 * transport reads into memory at inputStart, hands that to receive(), and writes the frames
 * encodeNext() puts at outputStart; payload moves to the message area with copyWithin.
 */
export class Connection extends Receiver {
  constructor(options: ConnectionOptions) {
    const client = options.role === "client";
    if (client && !(options.random instanceof Function)) throw new TypeError("a client needs options.random");
    const streaming = options.streaming === true;
    const { maxMessage, maxFragments, inputSize, outputSize, fragmentSize, directFrom } = connectionSizes(options);
    const messageSize = streaming ? 0 : align4(maxMessage);
    // a client's output area starts 2 bytes past a word (and is 2 bytes shorter): the payload of a
    // small masked frame, after its 6-byte header, then lies on a word and is masked a word at a time
    const shift = client ? OUTPUT_SHIFT : 0;
    const words = new Uint32Array((INPUT_START + inputSize + messageSize + outputSize) >> 2);
    words[W_CONN_INPUT_SIZE] = inputSize;
    words[W_CONN_OUTPUT_START] = INPUT_START + inputSize + messageSize + shift;
    words[W_CONN_OUTPUT_SIZE] = outputSize - shift;
    words[W_RX_MAX_MESSAGE] = maxMessage;
    words[W_TX_FRAGMENT_OPTION] = fragmentSize;
    words[W_RX_MAX_FRAGMENTS] = maxFragments;
    words[W_TX_DIRECT_FROM] = directFrom;
    words[W_CONN_STATE] = STATE_OPEN;
    super(words, streaming ? null : new Uint8Array(words.buffer, INPUT_START + inputSize, messageSize), options.handler,
      !client, client ? options.random as Random32 : null, nativesOf(options));
  }

  /** Where a transport reads: memory[inputStart, inputStart + inputSize), then receive(memory, ...). */
  get inputStart(): number { return INPUT_START; }
  get inputSize(): number { return this.words[W_CONN_INPUT_SIZE]; }
  get state(): number { return this.words[W_CONN_STATE] & STATE_MASK; }
  get closeInitiator(): CloseInitiator { return INITIATORS[this.words[W_CONN_STATE] >> INITIATOR_SHIFT]; }
  /** A send() would be accepted now: open, and no other message being encoded. */
  get canSend(): boolean { return this.state === STATE_OPEN && !this.sending; }
  /** Payload bytes of the message being sent that are not encoded yet, or that a direct frame has still to give. */
  get sendRemaining(): number { return (this.sending ? this.words[W_TX_REMAINING] : 0) + this.words[W_TX_DIRECT]; }
  /** Closed and nothing left to write: the transport may be closed. */
  get done(): boolean { return this.state === STATE_CLOSED && !this.hasOutput; }

  /** The transport ended (end of stream or reset): without a closing handshake that is 1006. */
  end(): void {
    this.abandonOutgoing(); // nothing more goes out: bufferedAmount and sending say so
    if (this.state === STATE_CLOSED) return;
    this.stop();
    this.closed("lost", CLOSE_ABNORMAL, "", false);
  }

  /** Starts sending a message; encodeNext() produces its frames. Throws on misuse. */
  send(data: string | Uint8Array, start = 0, end = -1): void {
    // the state word read here, not through a getter: a call costs XS about 20 steps a message
    const words = this.words;
    if ((words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN) throw new WebSocketUsageError(UsageErrors.NOT_OPEN);
    if (words[W_TX_OPCODE] >= TX_MORE) throw new WebSocketUsageError(UsageErrors.PIECES_OPEN);
    // instanceof, not typeof: under XS each typeof result is a new string (24 chunk bytes)
    if (data instanceof Uint8Array) this.startBinary(data, start, end < 0 ? data.length : end, words[W_TX_FRAGMENT_OPTION]);
    else this.startText(data, words[W_TX_FRAGMENT_OPTION]);
  }

  /**
   * Sends data[start, end) as a piece of a binary or text message (text: UTF-8, which may split a
   * character between pieces); `final` ends the message. Pieces of one message may be sent while
   * pongs, pings and a close go between them; no other message starts before the final piece.
   */
  sendPiece(data: Uint8Array, start: number, end: number, binary: boolean, final: boolean): void {
    this.checkOpen();
    this.startPiece(data, start, end, binary ? OPCODE_BINARY : OPCODE_TEXT, final, this.words[W_TX_FRAGMENT_OPTION]);
  }

  /** Starts a text message given as UTF-8 bytes that are valid (utf8Native's, say). Throws on misuse. */
  sendText(bytes: Uint8Array): void {
    this.checkOpen();
    if (this.piecesOpen) throw new WebSocketUsageError(UsageErrors.PIECES_OPEN);
    this.startTextBytes(bytes, this.words[W_TX_FRAGMENT_OPTION]);
  }

  /**
   * Queues an unsolicited pong (RFC 6455 5.5.3), after a ping's reply if one waits. Its payload is
   * copied (a pong is rare, and an onPing handler's bytes are the control area's, which the next ping
   * overwrites); it may go out after data sent later, which RFC 6455 allows.
   */
  pong(payload: Uint8Array = EMPTY): void {
    this.checkOpen();
    if (payload.length > MAX_CONTROL_PAYLOAD) throw new WebSocketUsageError(UsageErrors.CONTROL_TOO_LONG);
    this.queueAppPong(payload.length === 0 ? EMPTY : payload.slice());
  }

  /** Queues a ping; its payload (at most 125 bytes) is read when the frame is encoded, not copied. */
  ping(payload?: Uint8Array): void {
    this.checkOpen();
    if (payload !== undefined && payload.length > MAX_CONTROL_PAYLOAD) throw new WebSocketUsageError(UsageErrors.CONTROL_TOO_LONG);
    this.queuePing(payload);
  }

  /** Starts the closing handshake; a message still being sent is cut short. */
  close(code = 1000, reason = ""): void {
    checkClose(code, reason);
    if (this.state !== STATE_OPEN) return;
    this.queueClose(code, reason);
    this.setState(STATE_CLOSING, "local");
  }

  /**
   * The app's callback threw `error` while receiving: the problem goes to onError with the error
   * as its cause, and the connection fails with the problem's close code (1011).
   */
  handlerFailed(problem: WebSocketProblem, error: unknown): void {
    this.stop();
    this.failed(Object.freeze({ ...problem, message: `${problem.message}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 120), cause: error }));
  }

  private checkOpen(): void {
    if (this.state !== STATE_OPEN) throw new WebSocketUsageError(UsageErrors.NOT_OPEN);
  }

  protected control(opcode: number, at: number, length: number): WebSocketProblem | null {
    const memory = this.memory;
    const handler = this.handler as ConnectionHandler;
    if (opcode === OPCODE_CLOSE) return this.peerClosed(memory, at, length);
    if (opcode === OPCODE_PING) {
      if (this.state === STATE_OPEN) this.queuePong(length); // its payload stays at memory[at]: the control area
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
    if (this.state === STATE_OPEN) {
      this.queueClose(n >= 2 ? code : 0, ""); // echo the peer's code
      this.closed("remote", code, reason, true);
    } else this.closed(this.closeInitiator, code, reason, true);
    return null;
  }

  protected failed(p: WebSocketProblem): void {
    if (this.state === STATE_CLOSED) return;
    (this.handler as ConnectionHandler).onError?.(p);
    this.queueClose(p.status, p.message);
    this.closed("failure", p.status, p.message, false);
  }

  private closed(initiator: CloseInitiator, code: number, reason: string, clean: boolean): void {
    this.setState(STATE_CLOSED, initiator);
    (this.handler as ConnectionHandler).onClose?.(code, reason, clean);
  }

  private setState(state: number, initiator: CloseInitiator): void {
    this.words[W_CONN_STATE] = state | (INITIATORS.indexOf(initiator) << INITIATOR_SHIFT);
  }
}

/**
 * The sizes a connection's options ask for, with defaults applied and areas rounded to words; a
 * RangeError names an option that is not a whole number of bytes a 32-bit word holds. Clients and
 * servers call it when they are made, so that bad settings fail there and not at the first socket.
 */
export function connectionSizes(options: Pick<ConnectionOptions, "maxMessage" | "maxFragments" | "streaming" | "inputSize"
  | "outputSize" | "fragmentSize" | "directFrom">): { maxMessage: number; maxFragments: number; inputSize: number; outputSize: number;
  fragmentSize: number; directFrom: number } {
  const streaming = options.streaming === true;
  return {
    // whole messages need a buffer; 0 in streaming mode means no limit
    maxMessage: size("maxMessage", options.maxMessage ?? (streaming ? 0 : 4096), streaming ? 0 : 1),
    maxFragments: size("maxFragments", options.maxFragments ?? 4096, 0),
    inputSize: align4(size("inputSize", options.inputSize ?? 1460, 1)),
    outputSize: align4(Math.max(size("outputSize", options.outputSize ?? 1460, 0), MAX_HEADER + MAX_CONTROL_PAYLOAD)),
    fragmentSize: size("fragmentSize", options.fragmentSize ?? 0, 0),
    directFrom: size("directFrom", options.directFrom ?? 0, 0),
  };
}

/** A size option: a whole number of bytes, at least `min`, that a 32-bit word holds. */
function size(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 0xffffffff) {
    throw new RangeError(`${name} must be a whole number of bytes from ${min}, not ${value}`);
  }
  return value;
}
