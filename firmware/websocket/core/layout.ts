// Where a connection's buffers lie in its one allocation. The fixed-size areas sit at the end,
// so their offsets follow from the memory's length and need no field of their own (each field
// costs XS a slot per connection).
//
//   input | message | output | tail: received control payload, sender's pong, ping and close, header scratch

import { MAX_CONTROL_PAYLOAD, MAX_HEADER } from "./constants.js";

/** Offsets from the start of the tail. */
export const TAIL_CONTROL = 0;
export const TAIL_PONG = MAX_CONTROL_PAYLOAD;
export const TAIL_PING = 2 * MAX_CONTROL_PAYLOAD;
export const TAIL_CLOSE = 3 * MAX_CONTROL_PAYLOAD;
export const TAIL_SCRATCH = 4 * MAX_CONTROL_PAYLOAD;
/** 514 bytes, rounded up to whole words. */
export const TAIL_BYTES = (TAIL_SCRATCH + MAX_HEADER + 3) & ~3;

export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Offset of the tail in a memory of `length` bytes. */
export function tailOf(memory: Uint8Array): number {
  return memory.length - TAIL_BYTES;
}
