// The client's opening handshake as a sans-I/O object: it yields the bytes to write (the proxy's
// CONNECT first when there is one, then the upgrade request) and takes the answers with feed().
// It never touches a socket or a timer, so the fuzzers and the XS runs drive it as the client does.

import { createKey } from "./accept.js";
import type { Random32, Sha1 } from "../platform.js";
import { HandshakeErrors, type WebSocketProblem } from "./errors.js";
import { buildClientRequest, buildConnectRequest, checkServerAnswer, type ClientRequestOptions } from "./handshake-client.js";
import { HEAD_FAILED, HEAD_INCOMPLETE, HttpHeadReader, parseStatusLine } from "./http-head.js";
import { utf8Encode } from "./utf8.js";

/** feed() needs more bytes, or has nothing more to do. */
export const HANDSHAKE_WAIT = -1;
/** feed() found the handshake refused: `problem` and `status` say why. */
export const HANDSHAKE_FAILED = -2;

export interface ClientHandshakeOptions extends ClientRequestOptions {
  /** An HTTP CONNECT proxy's extra headers: given (even empty), the CONNECT goes first. */
  proxyHeaders?: Record<string, string>;
  /** Largest answer head accepted. */
  maxHeader?: number;
}

export class ClientHandshake {
  /** Why the handshake failed; null while it runs and once it succeeded. */
  problem: WebSocketProblem | null = null;
  /** The status of the last answer read: the proxy's or the server's; 0 before one. */
  status = 0;
  /** The subprotocol the server chose, "" for none. */
  protocol = "";
  readonly #key: string;
  readonly #upgrade: Uint8Array;
  readonly #offered: string[];
  readonly #sha1: Sha1;
  readonly #maxHeader: number;
  #reader: HttpHeadReader;
  /** Bytes waiting for next(): the CONNECT, then the upgrade once the tunnel stands. */
  #output: Uint8Array | null;
  #tunnel: boolean;
  #done = false;

  /** Builds both requests at once: a bad header value or subprotocol throws TypeError here. */
  constructor(options: ClientHandshakeOptions, random: Random32, sha1: Sha1) {
    this.#key = createKey(random);
    this.#sha1 = sha1;
    this.#offered = options.protocols ?? [];
    this.#maxHeader = options.maxHeader ?? 2048;
    this.#reader = new HttpHeadReader(this.#maxHeader);
    this.#upgrade = utf8Encode(buildClientRequest(options, this.#key));
    this.#tunnel = options.proxyHeaders !== undefined;
    this.#output = this.#tunnel ? utf8Encode(buildConnectRequest(options.host, options.port, options.proxyHeaders)) : this.#upgrade;
  }

  get key(): string { return this.#key; }
  /** The server accepted the upgrade: frames follow. */
  get done(): boolean { return this.#done; }

  /** The bytes to write now, each once; null when there is nothing to write until an answer comes. */
  next(): Uint8Array | null {
    const bytes = this.#output;
    this.#output = null;
    return bytes;
  }

  /**
   * Takes answer bytes[start, end). Returns HANDSHAKE_WAIT while more is needed (after the proxy's
   * 200, next() has the upgrade), HANDSHAKE_FAILED with `problem` and `status`, or, once the server
   * accepted, the offset after its head: what follows is the first frames.
   */
  feed(bytes: Uint8Array, start: number, end: number): number {
    if (this.#done || this.problem !== null) return HANDSHAKE_WAIT;
    const at = this.#reader.feed(bytes, start, end);
    if (at === HEAD_INCOMPLETE) return HANDSHAKE_WAIT;
    if (at === HEAD_FAILED) return this.fail(this.#reader.problem as WebSocketProblem, 0);
    const head = this.#reader.head!;
    if (this.#tunnel) {
      // the proxy's answer: any HTTP/1.x 200 opens the tunnel, and the upgrade goes through it
      const line = parseStatusLine(head.startLine);
      const status = line === null ? 0 : line.status;
      if (status !== 200) return this.fail(HandshakeErrors.BAD_STATUS, status);
      this.status = status;
      this.#tunnel = false;
      this.#reader = new HttpHeadReader(this.#maxHeader);
      this.#output = this.#upgrade;
      return HANDSHAKE_WAIT; // a proxy sends nothing more before the request it forwards
    }
    const answer = checkServerAnswer(head, this.#key, this.#offered, this.#sha1);
    if (answer.problem !== null) return this.fail(answer.problem, answer.status);
    this.status = answer.status;
    this.protocol = answer.protocol;
    this.#done = true;
    return at;
  }

  private fail(problem: WebSocketProblem, status: number): number {
    this.problem = problem;
    this.status = status;
    return HANDSHAKE_FAILED;
  }
}
