// Operators: a configured operator token is traded for a session (an HttpOnly, SameSite=Strict
// cookie) that carries a CSRF token; every request that changes something must send it back in
// X-CSRF-Token. Without an operator token the server runs in development mode, which it allows on
// loopback only: there a session is handed out without a login. Failed logins and device
// authentications are counted per address and refused with 429 beyond a limit. In a cluster,
// ended sessions and the failure counts are shared through Redis (cluster-auth.ts).

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "companion_session";

interface Session { csrf: string; expires: number }

/** Where a cluster's instances record the signed sessions that ended (a logout on any of them). */
export interface SharedSessions {
  end(id: string, expires: number): Promise<void>;
  /** Throws (503) when it cannot tell. */
  ended(id: string): Promise<boolean>;
}

/** Failed authentications per key (a client address): this instance's, or a cluster's. */
export interface Limiter {
  blocked(key: string): boolean | Promise<boolean>;
  fail(key: string): void | Promise<void>;
}

export class Sessions {
  readonly #sessions = new Map<string, Session>();
  readonly #operatorHash: Buffer | null;
  readonly #lifetimeMs: number;
  /** A cluster's shared secret: sessions are then signed (any instance can check one), not kept here. */
  readonly #secret: string | undefined;
  /** Signed sessions ended here (their signature stays valid until they expire). */
  readonly #ended = new Map<string, number>();
  /** A cluster's record of ended sessions (with `secret`): a logout on one instance holds on all. */
  readonly #shared: SharedSessions | undefined;

  /** Sessions held here at most: in development mode every cookieless GET /api/session makes one, for 12 hours. */
  readonly #max: number;

  constructor(operatorToken: string | undefined, lifetimeMs = 12 * 3600_000, secret?: string, shared?: SharedSessions, maxSessions = 10_000) {
    this.#max = maxSessions;
    this.#operatorHash = operatorToken === undefined ? null : digest(operatorToken);
    this.#lifetimeMs = lifetimeMs;
    this.#secret = secret;
    this.#shared = secret === undefined ? undefined : shared;
  }

  #sign(payload: string): string {
    return createHmac("sha256", this.#secret!).update(payload).digest("base64url");
  }

  /** Development mode: no operator token, so no login. */
  get open(): boolean { return this.#operatorHash === null; }

  /** Whether `token` is the operator token (compared in constant time). */
  checkOperator(token: string): boolean {
    return this.#operatorHash !== null && timingSafeEqual(this.#operatorHash, digest(token));
  }

  create(): { id: string; csrf: string } {
    this.#sweep();
    const id = randomBytes(32).toString("base64url");
    const csrf = randomBytes(24).toString("base64url");
    const expires = Date.now() + this.#lifetimeMs;
    if (this.#secret !== undefined) {
      const payload = `${id}.${csrf}.${expires}`;
      return { id: `${payload}.${this.#sign(payload)}`, csrf };
    }
    // the oldest goes first (a Map keeps insertion order): a script asking in a loop cannot grow the heap
    if (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value as string);
    this.#sessions.set(id, { csrf, expires });
    return { id, csrf };
  }

  get(id: string | undefined): Session | null {
    if (this.#secret !== undefined) return id === undefined || this.#ended.has(id) ? null : this.#signed(id);
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (session === undefined || session.expires < Date.now()) return null;
    return session;
  }

  /** The session, if it is good here and was not ended on another instance of the cluster. */
  async valid(id: string | undefined): Promise<Session | null> {
    const session = this.get(id);
    if (session === null || this.#shared === undefined) return session;
    return (await this.#shared.ended(id!)) ? null : session;
  }

  /** A signed session: "nonce.csrf.expires.signature", checked in constant time. */
  #signed(id: string): Session | null {
    const parts = id.split(".");
    if (parts.length !== 4) return null;
    const expected = Buffer.from(this.#sign(parts.slice(0, 3).join("."))), sent = Buffer.from(parts[3]);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return null;
    const expires = Number(parts[2]);
    return expires >= Date.now() ? { csrf: parts[1], expires } : null;
  }

  /** Ends a session here, and on every instance of the cluster. */
  async end(id: string | undefined): Promise<void> {
    if (id === undefined) return;
    this.#sessions.delete(id);
    const signed = this.#secret === undefined ? null : this.#signed(id);
    if (signed === null) return;
    this.#ended.set(id, signed.expires);
    await this.#shared?.end(id, signed.expires);
  }

  /** Whether `sent` is the session's CSRF token. */
  csrfMatches(session: Session, sent: unknown): boolean {
    return typeof sent === "string" && sent.length === session.csrf.length && timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrf));
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.#sessions) if (s.expires < now) this.#sessions.delete(id);
    for (const [id, expires] of this.#ended) if (expires < now) this.#ended.delete(id);
  }
}

/** Counts failures per key (an address) in a sliding window; `blocked` once a key has `max` of them. */
export class FailureLimiter implements Limiter {
  readonly #failures = new Map<string, number[]>();
  readonly #max: number;
  readonly #windowMs: number;

  constructor(max = 10, windowMs = 60_000) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  blocked(key: string): boolean {
    return this.#recent(key).length >= this.#max;
  }

  fail(key: string): void {
    const list = this.#recent(key);
    list.push(Date.now());
    this.#failures.set(key, list);
    if (this.#failures.size > 10_000) this.#failures.delete(this.#failures.keys().next().value as string); // bounded
  }

  #recent(key: string): number[] {
    const since = Date.now() - this.#windowMs;
    return (this.#failures.get(key) ?? []).filter((t) => t > since);
  }
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The token of an "Authorization: Bearer T" header; the scheme's case does not matter (RFC 9110). */
export function bearer(header: string | undefined): string | undefined {
  return /^bearer +(\S+) *$/i.exec(header ?? "")?.[1];
}

/** Whether a request's Origin (when sent) names the host it was sent to: browsers send it cross-site. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const isLoopback = (host: string) => host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
