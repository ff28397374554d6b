// Sec-WebSocket-Key and Sec-WebSocket-Accept (RFC 6455 4.1, 4.2.2).

import { base64Encode } from "./base64.js";
import { WEBSOCKET_GUID } from "./constants.js";
import type { Random32, Sha1 } from "../platform.js";

/** A fresh key: 16 random bytes in base64. */
export function createKey(random: Random32): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const r = random();
    bytes[i] = r >>> 24;
    bytes[i + 1] = (r >> 16) & 0xff;
    bytes[i + 2] = (r >> 8) & 0xff;
    bytes[i + 3] = r & 0xff;
  }
  return base64Encode(bytes);
}

export function acceptFor(key: string, sha1: Sha1): string {
  const text = key + WEBSOCKET_GUID; // both are ASCII
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return base64Encode(sha1(bytes));
}
