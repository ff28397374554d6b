// What operator authentication shares across a cluster's instances, in Redis (nginx may send each
// request to another instance): sessions ended by a logout on any instance (a signed session stays
// valid by its signature, so every instance must learn that it ended), and the failed
// authentications per client address (so a client cannot spread its guesses over the instances).
// Only a digest of an ended session is kept, until the session would have expired anyway.

import { createHash } from "node:crypto";
import type { RedisClientType } from "redis";
import type { FailureLimiter, Limiter, SharedSessions } from "./auth.js";

const ENDED = (id: string) => `companion:session-ended:${createHash("sha256").update(id).digest("base64url")}`;
const FAILURES = (key: string) => `companion:failures:${key}`;

/** Thrown when Redis cannot say whether a session ended: the request gets 503, not a guess. */
export class ClusterUnavailable extends Error {
  readonly code = "CLUSTER_UNAVAILABLE";
  readonly status = 503;
}

export class ClusterSessions implements SharedSessions {
  readonly #redis: RedisClientType;
  constructor(redis: RedisClientType) { this.#redis = redis; }

  async end(id: string, expires: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(expires - Date.now()));
    await this.#redis.set(ENDED(id), "1", { expiration: { type: "PX", value: ttl } }).catch(() => {
      throw new ClusterUnavailable("Redis cannot be reached: the session could not be ended on the other instances");
    });
  }

  async ended(id: string): Promise<boolean> {
    const found = await this.#redis.exists(ENDED(id)).catch(() => {
      throw new ClusterUnavailable("Redis cannot be reached: whether this session was ended is unknown");
    });
    return found > 0;
  }
}

/**
 * Failed authentications per address, counted in Redis for `windowMs` from the first of them (a
 * fixed window, where the local limiter slides). While Redis is away the instance's own limiter
 * counts instead, so a client is still limited, per instance.
 */
export class ClusterLimiter implements Limiter {
  readonly #redis: RedisClientType;
  readonly #local: FailureLimiter;
  readonly #max: number;
  readonly #windowMs: number;

  constructor(redis: RedisClientType, local: FailureLimiter, max: number, windowMs = 60_000) {
    this.#redis = redis;
    this.#local = local;
    this.#max = max;
    this.#windowMs = windowMs;
  }

  async blocked(key: string): Promise<boolean> {
    try {
      return Number(await this.#redis.get(FAILURES(key))) >= this.#max;
    } catch {
      return this.#local.blocked(key);
    }
  }

  async fail(key: string): Promise<void> {
    try {
      await this.#redis.multi().incr(FAILURES(key)).pExpire(FAILURES(key), this.#windowMs, "NX").exec();
    } catch {
      this.#local.fail(key);
    }
  }
}
