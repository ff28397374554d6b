// The server's opening handshake as a sans-I/O object: it takes the request head with feed(),
// says what is to be decided (a refusal of its own, a plain request, or an upgrade for the app),
// and turns the decision into the answer's bytes. No socket, no timer, no app callback in here.

import type { Sha1 } from "../platform.js";
import { HANDSHAKE_WAIT } from "./client-handshake.js";
import { buildAcceptance, buildResponseHead, checkUpgradeRequest, type UpgradeRequest } from "./handshake-server.js";
import { HEAD_FAILED, HEAD_INCOMPLETE, HttpHeadReader } from "./http-head.js";
import { utf8Encode } from "./utf8.js";

/** An HTTP answer: a refusal of an upgrade, or the response to a plain request. */
export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** How an upgrade is accepted: the subprotocol chosen (one the client offered) and extra headers. */
export interface Acceptance {
  protocol?: string;
  headers?: Record<string, string>;
}

export class ServerHandshake {
  /** The request once its head is in; null before, and when the head itself was bad. */
  request: UpgradeRequest | null = null;
  /** Set when the request is refused before the app sees it (malformed, too large, not an upgrade we take). */
  refusal: HttpAnswer | null = null;
  readonly #reader: HttpHeadReader;
  #decided = false;

  constructor(maxHeader = 2048) {
    this.#reader = new HttpHeadReader(maxHeader);
  }

  /**
   * Takes request bytes[start, end). Returns HANDSHAKE_WAIT while the head is incomplete (and for
   * any byte after the decision), else the offset after the head, once: then `refusal` is set, or
   * `request` waits for a decision (an upgrade, or a plain request when request.upgrade is false).
   */
  feed(bytes: Uint8Array, start: number, end: number): number {
    if (this.#decided) return HANDSHAKE_WAIT;
    const at = this.#reader.feed(bytes, start, end);
    if (at === HEAD_INCOMPLETE) return HANDSHAKE_WAIT;
    this.#decided = true;
    if (at === HEAD_FAILED) {
      const p = this.#reader.problem!;
      this.refusal = { status: p.status, body: p.message };
      return end;
    }
    const check = checkUpgradeRequest(this.#reader.head!);
    this.request = check.request;
    if (check.problem !== null) this.refusal = { status: check.problem.status, body: check.problem.message };
    return at;
  }

  /** The 101 answer for the app's acceptance; throws TypeError on a protocol not offered or a bad header. */
  accept(sha1: Sha1, acceptance: Acceptance): Uint8Array {
    return utf8Encode(buildAcceptance(this.request!, sha1, acceptance.protocol, acceptance.headers));
  }

  /** A whole HTTP response, head and body, after which the connection ends. */
  static answer(a: HttpAnswer): Uint8Array {
    const body = typeof a.body === "string" ? utf8Encode(a.body) : a.body ?? new Uint8Array(0);
    const head = utf8Encode(buildResponseHead(a.status, body.length, a.headers));
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(head, 0);
    bytes.set(body, head.length);
    return bytes;
  }
}
