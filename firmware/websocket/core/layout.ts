// Where a connection's state and buffers lie in its one allocation. Under XS every object field
// costs a 16-byte slot and every typed array view 4 slots, so a connection keeps only its hot
// state in fields: the rest is 32-bit words at the start of its memory, at fixed word indices.
//
//   state words | control area (a control frame's payload, or a split header) | pong | input | message | output

import { MAX_CONTROL_PAYLOAD } from "./constants.js";

// Word indices of the state kept in memory (see the classes that own them for their meaning).
/** Size of the input area. */
export const W_INPUT_SIZE = 0;
/** Byte offset of the output area. */
export const W_OUTPUT_START = 1;
export const W_OUTPUT_SIZE = 2;
/** Receiver: the message limit, 0 for none. */
export const W_MAX_MESSAGE = 3;
/** Receiver: bytes gathered in the control area: a split header's, then a control frame's payload. */
export const W_GATHERED = 4;
/** Receiver: 1 when the data frame being received is final. */
export const W_FIN = 5;
/** Sender: a pending pong's payload length plus 1; 0 for none. */
export const W_PONG = 6;
/** Sender: the close frame (see sender.js: CLOSE_*), or the code to send. */
export const W_CLOSE = 7;
/** Sender: position in the data being sent (index in the string, or in the binary data). */
export const W_POSITION = 8;
/** Sender: payload bytes of the message still to send. */
export const W_SEND_REMAINING = 9;
export const W_SEND_OPCODE = 10;
/** Sender: fragment size of the message being sent, and the configured one (0 for none). */
export const W_FRAGMENT = 11;
export const W_FRAGMENT_OPTION = 12;
/** Connection: its state and who started the close. */
export const W_STATE = 13;
/** Receiver: fragments of the message being received, and the most one may have (0: no limit). */
export const W_FRAGMENTS = 14;
export const W_MAX_FRAGMENTS = 15;
export const STATE_WORDS = 16;

/** The control area, where a split header is gathered too (never at the same time). */
export const CONTROL_AREA = STATE_WORDS * 4;
export const PONG_AREA = CONTROL_AREA + align4(MAX_CONTROL_PAYLOAD);
export const INPUT_START = PONG_AREA + align4(MAX_CONTROL_PAYLOAD);

export function align4(n: number): number {
  return (n + 3) & ~3;
}
