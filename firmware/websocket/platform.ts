// What the stack needs from the platform it runs on, injected so that the core stays pure.

import type { Sha1 } from "./core/accept.js";
import type { Random32 } from "./core/sender.js";

export interface Platform {
  /** SHA-1 of the bytes, for Sec-WebSocket-Accept. */
  sha1: Sha1;
  /** 32 bits from a strong random source: mask keys and handshake keys. */
  random32: Random32;
}
