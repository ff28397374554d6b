// One frame in a buffer of its own, for a writer that sends a message in pieces as the app makes
// them (ECMA-419's write(buffer, {more: true})): no connection buffer holds the whole message, and
// each piece goes out as it is written, masked with a fresh key as a client's frames must be.

import { applyMask } from "./mask.js";
import { headerSize, writeHeader } from "./frame.js";

/** A whole frame: header, then the payload masked with `key`, or unmasked when key is null (server side). */
export function encodeFrame(fin: boolean, opcode: number, payload: Uint8Array, key: number | null): Uint8Array {
  const masked = key !== null;
  const frame = new Uint8Array(headerSize(payload.length, masked) + payload.length);
  const at = writeHeader(frame, 0, fin, opcode, payload.length, masked, masked ? key : 0);
  frame.set(payload, at);
  if (masked) applyMask(frame, null, at, frame.length, key, 0);
  return frame;
}
