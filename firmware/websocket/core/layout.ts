// Where a connection's state and buffers lie in its one allocation. Under XS every object field
// costs a 16-byte slot and every typed array view 4 slots, so a connection keeps only its hot
// state in fields: the rest is 32-bit words at the start of its memory, at fixed word indices.
//
//   state words | control area (a control frame's payload, a ping's waiting for its pong, or a split header) | input | message | output
//
// Each word's name says its owner: W_CONN_ the connection (connection.js), W_RX_ the receiver
// (receiver.js), W_TX_ the sender (sender.js). One convention for "none": 0, in every word.

import { MAX_CONTROL_PAYLOAD } from "./constants.js";

/** Size of the input area, in bytes. */
export const W_CONN_INPUT_SIZE = 0;
/** Byte offset of the output area in memory, and its size. */
export const W_CONN_OUTPUT_START = 1;
export const W_CONN_OUTPUT_SIZE = 2;
/** State (STATE_*) in the low 4 bits, who started the close (INITIATOR_*) above INITIATOR_SHIFT. */
export const W_CONN_STATE = 13;

/** Largest message in bytes; 0: no limit (streaming mode). */
export const W_RX_MAX_MESSAGE = 3;
/** Bytes gathered in the control area: a split header's, then a control frame's payload; 0: none. */
export const W_RX_GATHERED = 4;
/** 1 when the data frame being received is final, else 0. */
export const W_RX_FIN = 5;
/** Frames of the message being received so far, and the most one may have; 0: no limit. */
export const W_RX_FRAGMENTS = 14;
export const W_RX_MAX_FRAGMENTS = 15;

/**
 * A ping's pong waiting: its payload's length plus 1 (an empty pong is 1); 0: none. The payload is the
 * ping's own, where the receiver gathered it (CONTROL_AREA), which nothing overwrites until it is sent.
 */
export const W_TX_PONG = 6;
/** The close frame: TX_CLOSE_NONE, TX_CLOSE_EMPTY, TX_CLOSE_SENT, or the code (>= 1000) waiting to go. */
export const W_TX_CLOSE = 7;
/** Position in the data being sent: an index in the string, or in the binary data. */
export const W_TX_POSITION = 8;
/** Payload bytes of the message still to encode. */
export const W_TX_REMAINING = 9;
/** Opcode of the next data frame (the message's, then CONTINUATION), | TX_MORE while a message sent in pieces is open. */
export const W_TX_OPCODE = 10;
/** Most payload bytes per frame of the message being sent (the output area's size when no option is set). */
export const W_TX_FRAGMENT = 11;
/** The fragmentSize option; 0: none. */
export const W_TX_FRAGMENT_OPTION = 12;

/** Payload bytes of the direct frame being sent still to encode, a piece at a time (direct-payload.js); 0: none. */
export const W_TX_DIRECT = 16;
/** Where in that data the next of them is. */
export const W_TX_DIRECT_AT = 17;
/** A client's key for that frame, its 4 bytes in header order: the native mask's keys. */
export const W_TX_KEY = 18;
/** Frames with at least this much binary payload go direct; 0: never (the transport writes the output area only). */
export const W_TX_DIRECT_FROM = 19;
/**
 * The most room the transport has said its socket has (0: not told). A direct frame's pieces wait
 * for a whole output area's room where the socket can give it, so that its writes keep one size
 * (a write takes a whole buffer: under XS a view, 4 slots, for each new size).
 */
export const W_TX_ROOM_MOST = 20;
/** 1 while the message being sent is text held as UTF-8 bytes (its fragments end at character boundaries), else 0. */
export const W_TX_TEXT_BYTES = 21;
/** The mask key of the frame being received, its bytes in memory order read as a little-endian word (unmasker.js). */
export const W_RX_KEY = 22;
/** Where in that key the next payload byte falls: its offset in the payload mod 4. */
export const W_RX_PHASE = 23;
export const STATE_WORDS = 24;

/** W_TX_CLOSE: nothing to send. */
export const TX_CLOSE_NONE = 0;
/** W_TX_CLOSE: a close frame without a payload waits. */
export const TX_CLOSE_EMPTY = 1;
/** W_TX_CLOSE: our close frame is encoded; nothing may follow it. */
export const TX_CLOSE_SENT = 2;

/** W_TX_OPCODE: the message being sent continues in a later piece (its last frame is not final). */
export const TX_MORE = 0x100;

/** W_CONN_STATE's states: open, closing (we sent or queued a close and wait for the peer's), closed. */
export const STATE_OPEN = 1;
export const STATE_CLOSING = 2;
export const STATE_CLOSED = 3;

/** W_CONN_STATE: the low bits hold the state, the bits from here the close initiator. */
export const INITIATOR_SHIFT = 4;
export const STATE_MASK = 0xf;

/**
 * The control area, where a split header is gathered too (never at the same time), and where a ping's
 * payload waits for its pong: the receiver writes nothing there while a pong waits (W_TX_PONG).
 */
export const CONTROL_AREA = STATE_WORDS * 4;
/** The input area, after the control area. */
export const INPUT_START = CONTROL_AREA + align4(MAX_CONTROL_PAYLOAD);

export function align4(n: number): number {
  return (n + 3) & ~3;
}
