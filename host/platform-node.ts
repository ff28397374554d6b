// The platform on Node: node:crypto for SHA-1 and for random bits, drawn in batches.

import { createHash, randomFillSync } from "node:crypto";
import type { Platform } from "../firmware/websocket/platform.js";

const pool = new Uint32Array(256);
let next = pool.length;

export const nodePlatform: Platform = Object.freeze({
  sha1(data: Uint8Array): Uint8Array {
    return new Uint8Array(createHash("sha1").update(data).digest());
  },
  random32(): number {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++];
  },
});
