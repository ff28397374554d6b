// Control frames (RFC 6455 5.5): ping, pong and close, encoded whole into a caller's buffer. Their
// payload is at most 125 bytes, so their header is always 2 bytes (6 masked).

import { MAX_CONTROL_PAYLOAD, OPCODE_CLOSE } from "./constants.js";
import { writeHeader } from "./frame.js";
import { applyMask } from "./mask.js";
import type { Random32 } from "../platform.js";
import { utf8EncodeInto, utf8Length } from "./utf8.js";

/**
 * A ping or pong whose payload is source[from, from + length), at out[start]; masked with a fresh key
 * when `random` is given (a client). Returns the frame's length; 0 when it does not fit in `cap`.
 */
export function encodeControl(out: Uint8Array, start: number, opcode: number, source: Uint8Array, from: number,
  length: number, random: Random32 | null, cap: number): number {
  const at = start + (random !== null ? 6 : 2);
  if (at - start + length > cap) return 0;
  for (let i = 0; i < length; i++) out[at + i] = source[from + i];
  return finish(out, start, opcode, length, random);
}

/**
 * A close frame with `code` and `reason` (UTF-8, cut at a character boundary past 123 bytes); code 0
 * sends an empty payload. Returns the frame's length; 0 when it does not fit in `cap`.
 */
export function encodeClose(out: Uint8Array, start: number, code: number, reason: string, random: Random32 | null,
  cap: number): number {
  const planned = code === 0 ? 0 : Math.min(2 + utf8Length(reason), MAX_CONTROL_PAYLOAD);
  const at = start + (random !== null ? 6 : 2);
  if (at - start + planned > cap) return 0;
  let length = 0;
  if (planned !== 0) {
    out[at] = code >> 8;
    out[at + 1] = code & 0xff;
    length = 2 + utf8EncodeInto(reason, 0, out, at + 2, at + planned, null, 0);
  }
  return finish(out, start, OPCODE_CLOSE, length, random);
}

/** Writes the header before a payload already in place, masks it on a client, returns the frame's length. */
function finish(out: Uint8Array, start: number, opcode: number, length: number, random: Random32 | null): number {
  const key = random !== null ? random() >>> 0 : 0;
  const at = writeHeader(out, start, true, opcode, length, random !== null, key);
  if (random !== null) applyMask(out, null, at, at + length, key, 0);
  return at + length - start;
}
