// Frame sender: encodes one frame at a time into the connection's fixed output area. A data message
// larger than the area (or than a requested fragment size) goes out as fragments, and a pending
// pong, ping or close is sent between two fragments instead of waiting for the message to end.

import { OPCODE_CONTINUATION, OPCODE_PING, OPCODE_PONG, OPCODE_TEXT } from "./constants.js";
import { encodeClose, encodeControl } from "./control-frame.js";
import { writeHeader } from "./frame.js";
import { applyMask, keyThenMask, LITTLE_ENDIAN } from "./mask.js";
import { TEXT_AS_BYTES, TEXT_NATIVE } from "./direct-payload.js";
import { TextOut } from "./text-out.js";
import { CONTROL_AREA, STATE_MASK, STATE_OPEN, W_CONN_STATE, W_TX_FRAGMENT_OPTION, TX_MORE, TX_CLOSE_EMPTY, TX_CLOSE_NONE, TX_CLOSE_SENT, W_CONN_OUTPUT_SIZE, W_CONN_OUTPUT_START, W_TX_CLOSE,
  W_TX_DIRECT, W_TX_DIRECT_FROM, W_TX_FRAGMENT, W_TX_TEXT_BYTES, W_TX_OPCODE, W_TX_PONG, W_TX_POSITION, W_TX_REMAINING } from "./layout.js";
import type { Natives, Random32, TextBytes } from "../platform.js";
import { utf8EncodeInto } from "./utf8.js";

/** The payload of a ping without one. */
const NO_PAYLOAD = new Uint8Array(0);

/**
 * The sending half of a connection and the base of its class: the receiver and the connection
 * extend it, so that the three are one object (each object and each view costs XS slots).
 */
export class FrameSender extends TextOut {
  readonly #random: Random32 | null;
  /** A ping waiting, read when it is encoded. */
  #ping: Uint8Array | null = null;
  /** An unsolicited pong the app sent, waiting, read when it is encoded (a ping's pong is W_TX_PONG's). */
  #pong: Uint8Array | null = null;
  #closeReason = "";

  /**
   * `words` holds the layout (layout.js); `random` is given on the client side, which masks every
   * frame; `natives`, the platform's: its copy and mask take a large payload into the output area
   * (direct-payload.js), its text natives copy a device's strings into frames (text-out.js).
   */
  constructor(words: Uint32Array, random: Random32 | null, natives: Natives) {
    super(words, natives);
    this.#random = random;
  }

  /** Offset in memory of the frame encodeNext() produced. */
  get outputStart(): number { return this.words[W_CONN_OUTPUT_START]; }

  /** A data message is still being encoded: another send() must wait. */
  get sending(): boolean { return this.outgoing !== null; }

  /** A pong waits to be encoded: the transport writes it before it hands over more input. */
  get pongWaiting(): boolean { return this.words[W_TX_PONG] !== 0; }

  /** Frames wait to be encoded (the one name for "has output to write"). */
  get hasOutput(): boolean {
    const close = this.words[W_TX_CLOSE];
    if (close === TX_CLOSE_SENT) return false;
    return this.outgoing !== null || this.words[W_TX_PONG] !== 0 || this.#ping !== null || this.#pong !== null
      || close !== TX_CLOSE_NONE;
  }

  /**
   * A ping of `length` bytes, its payload in the control area, is to be answered: the payload stays
   * there, not copied, for its pong. receive() returns after each ping, and writes nothing into the
   * control area while the pong waits, so that the pong is written before more is read; of input
   * handed over first, a newer ping takes the waiting one's place (RFC 6455 5.5.3 allows the newest
   * pong only), any other control frame or a split header is given back unread.
   */
  protected queuePong(length: number): void {
    this.words[W_TX_PONG] = length + 1;
  }

  /** An unsolicited pong (at most 125 bytes, the caller's copy), encoded after a ping's reply; a newer one replaces it. */
  protected queueAppPong(payload: Uint8Array): void {
    this.#pong = payload;
  }

  /** `payload` (at most 125 bytes) is read when the ping is encoded, not copied. */
  protected queuePing(payload: Uint8Array | undefined): void {
    this.#ping = payload ?? NO_PAYLOAD;
  }

  /** Queues a close frame; code 0 sends an empty close payload. `reason` is UTF-8, at most 123 bytes. */
  protected queueClose(code: number, reason: string): void {
    if (this.words[W_TX_CLOSE] !== TX_CLOSE_NONE) return; // queued or sent already
    this.words[W_TX_CLOSE] = code === 0 ? TX_CLOSE_EMPTY : code;
    this.#closeReason = reason;
  }

  /**
   * Encodes the next frame at outputStart and returns its length, at most `limit` bytes (the room
   * the transport has); 0 when nothing is pending or the next frame does not fit yet.
   */
  encodeNext(limit = Number.MAX_SAFE_INTEGER): number {
    const words = this.words;
    const close = words[W_TX_CLOSE];
    if (close === TX_CLOSE_SENT) return 0;
    const size = words[W_CONN_OUTPUT_SIZE];
    const cap = limit < size ? limit : size;
    // nothing goes between a direct frame's header and the rest of its payload
    if (words[W_TX_DIRECT] !== 0) return this.directNext(words[W_CONN_OUTPUT_START], cap, this.#random !== null);
    const pong = words[W_TX_PONG];
    if (pong !== 0) {
      const n = encodeControl(this.memory, words[W_CONN_OUTPUT_START], OPCODE_PONG, this.memory, CONTROL_AREA, pong - 1, this.#random, cap);
      if (n > 0) words[W_TX_PONG] = 0;
      return n;
    }
    const appPong = this.#pong;
    if (appPong !== null) {
      const n = encodeControl(this.memory, words[W_CONN_OUTPUT_START], OPCODE_PONG, appPong, 0, appPong.length, this.#random, cap);
      if (n > 0) this.#pong = null;
      return n;
    }
    const ping = this.#ping;
    if (ping !== null) {
      const n = encodeControl(this.memory, words[W_CONN_OUTPUT_START], OPCODE_PING, ping, 0, ping.length, this.#random, cap);
      if (n > 0) this.#ping = null;
      return n;
    }
    if (close !== TX_CLOSE_NONE) {
      const n = encodeClose(this.memory, words[W_CONN_OUTPUT_START], close === TX_CLOSE_EMPTY ? 0 : close, this.#closeReason,
        this.#random, cap);
      if (n > 0) {
        words[W_TX_CLOSE] = TX_CLOSE_SENT;
        this.outgoing = null; // no data frame may follow a close
      }
      return n;
    }
    return this.outgoing !== null ? this.fragment(cap) : 0;
  }

  private fragment(cap: number): number {
    const words = this.words;
    const masked = this.#random !== null;
    const remaining = words[W_TX_REMAINING];
    const fragmentSize = words[W_TX_FRAGMENT];
    const data = this.outgoing as string | Uint8Array;
    // the commonest frame, inline: the rest of binary data (or a device's text) under 126 bytes, in one frame
    if (remaining < 126 && remaining <= fragmentSize && remaining + (masked ? 6 : 2) <= cap
      && (data instanceof Uint8Array || words[W_TX_TEXT_BYTES] === TEXT_NATIVE)) {
      const opcode = words[W_TX_OPCODE];
      let bytes = data as Uint8Array | null;
      if (words[W_TX_TEXT_BYTES] === TEXT_NATIVE) {
        // a device's text: its last bytes copied where smallFrame puts a payload
        this.textPiece(data as string, remaining, words[W_CONN_OUTPUT_START] + (masked ? 6 : 2), remaining);
        bytes = null;
      }
      // FIN unless more pieces follow
      const n = this.smallFrame(bytes, words[W_TX_POSITION], remaining, opcode < TX_MORE ? 0x80 | opcode : opcode & 0xf);
      words[W_TX_REMAINING] = 0;
      words[W_TX_OPCODE] = opcode & TX_MORE; // CONTINUATION (0), and whether pieces follow
      this.outgoing = null;
      words[W_TX_TEXT_BYTES] = 0;
      return n;
    }
    const from = words[W_TX_DIRECT_FROM];
    // a large frame's payload (binary, a device's string or text bytes) goes in pieces under one header
    // (direct-payload.js): the frame's size, not the message's, decides; the message stays outgoing until its last piece is
    const option = words[W_TX_FRAGMENT_OPTION];
    if (from !== 0 && remaining >= from && (option === 0 || option >= from)
      && (words[W_TX_TEXT_BYTES] === TEXT_NATIVE || data instanceof Uint8Array)) {
      return this.directHeader(data, remaining, cap, masked, this.nextKey());
    }
    const want = remaining < fragmentSize ? remaining : fragmentSize;
    let n = want;
    // header sizes inline (2, 4 or 10 bytes, + 4 masked): a call costs XS about 20 steps, and this runs per frame
    const keyBytes = masked ? 4 : 0;
    if (n + (n < 126 ? 2 : n < 0x10000 ? 4 : 10) + keyBytes > cap) n = cap - (cap < 126 ? 2 : cap < 0x10000 ? 4 : 10) - keyBytes;
    // no room for the header (even of an empty frame), or for one byte of payload: wait for more room
    if (n < 0 || (n === 0 && want > 0)) return 0;
    const position = words[W_TX_POSITION];
    if (words[W_TX_TEXT_BYTES] === TEXT_AS_BYTES && n < remaining) {
      // text fragments end where a character does, as the script path cuts them (RFC 6455 would allow
      // a split character, but not every peer's decoder does); direct frames are cut so too
      while (n > 0 && ((data as Uint8Array)[position + n] & 0xc0) === 0x80) n--;
      if (n === 0) return 0;
    }
    const out = this.memory;
    const start = words[W_CONN_OUTPUT_START];
    let at = start + (n < 126 ? 2 : n < 0x10000 ? 4 : 10) + keyBytes;
    // instanceof, not typeof: under XS each typeof result is a new string
    if (!(data instanceof Uint8Array)) {
      const written = words[W_TX_TEXT_BYTES] === TEXT_NATIVE ? this.textPiece(data, remaining, at, n)
        : utf8EncodeInto(data, position, out, at, at + n, words, W_TX_POSITION);
      if (written === 0 && n > 0) return 0; // not even one code point fits
      const h = start + (written < 126 ? 2 : written < 0x10000 ? 4 : 10) + keyBytes;
      if (h !== at) out.copyWithin(h, at, at + written); // fewer bytes than planned: shorter header
      at = h;
      n = written;
    } else {
      // a whole array is copied as it is; a part needs a view over it
      if (position === 0 && n === data.length) out.set(data, at);
      else out.set(data.subarray(position, position + n), at);
      words[W_TX_POSITION] = position + n;
    }
    words[W_TX_REMAINING] = remaining - n;
    const opcode = words[W_TX_OPCODE];
    const fin = remaining === n; // the end of this data, and of the message unless more pieces follow
    const key = this.nextKey();
    writeHeader(out, start, fin && opcode < TX_MORE, opcode & 0xf, n, masked, key);
    if (masked) this.maskPayload(at, n, key);
    words[W_TX_OPCODE] = OPCODE_CONTINUATION | (opcode & TX_MORE);
    if (fin) {
      this.outgoing = null;
      words[W_TX_TEXT_BYTES] = 0;
    }
    return at + n - start;
  }

  /**
   * The commonest sends in one call: a whole message in one frame (`opcode` binary, or text given
   * as its UTF-8 bytes), encoded at once when the connection is open, nothing else waits to be encoded and
   * `room` holds it all. A frame the output area holds is written whole at outputStart; one from
   * W_TX_DIRECT_FROM bytes to directMax() has its header written, with as much payload as the output
   * area holds, and encodeNext() gives the rest (directLeft). Returns the length at outputStart; 0
   * when the general path must take the message (send(), then encodeNext()).
   */
  encodeAtOnce(data: Uint8Array, room: number, opcode: number): number {
    const words = this.words;
    const n = data.length;
    const option = words[W_TX_FRAGMENT_OPTION];
    // a queued close has left the open state already: the state word covers it
    // room for the largest header either kind writes here (a client's 8 bytes for 126 and more)
    if (n + 8 > room || this.outgoing !== null || this.#ping !== null || words[W_TX_PONG] !== 0
      || words[W_TX_OPCODE] >= TX_MORE || (words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN
      || (option !== 0 && n > option)) return 0;
    if (n < 126) return this.smallFrame(data, 0, n, 0x80 | opcode);
    return this.largeAtOnce(data, false, n, opcode, room);
  }

  /**
   * encodeAtOnce for a device's string (natives.text given): its own bytes copied into the frame by the
   * natives, so no buffer is made for it. The same checks as encodeAtOnce's (kept apart: telling a
   * string from an array costs XS ~15 steps an instanceof, on every binary send).
   */
  encodeTextAtOnce(text: string, room: number): number {
    const words = this.words;
    const n = (this.natives.text as TextBytes).size(text); // -1: bytes XS holds otherwise, or no string
    const option = words[W_TX_FRAGMENT_OPTION];
    if (n < 0 || n + 8 > room || this.outgoing !== null || this.#ping !== null || words[W_TX_PONG] !== 0
      || words[W_TX_OPCODE] >= TX_MORE || (words[W_CONN_STATE] & STATE_MASK) !== STATE_OPEN
      || (option !== 0 && n > option)) return 0;
    if (n >= 126) return this.largeAtOnce(text, true, n, OPCODE_TEXT, room);
    const at = words[W_CONN_OUTPUT_START] + (this.#random !== null ? 6 : 2); // where smallFrame puts a payload
    (this.natives.text as TextBytes).into(text, 0, n, this.memory, at, at + n);
    return this.smallFrame(null, 0, n, 0x80 | OPCODE_TEXT);
  }

  /**
   * The at-once frames of 126 bytes and more (data's n bytes; `text`: a device's string): whole in the
   * output area, the commonest, with no state to keep; else a direct frame, its header and what the
   * area holds, then encodeNext(). 0 for the general path.
   */
  private largeAtOnce(data: string | Uint8Array, text: boolean, n: number, opcode: number, room: number): number {
    const words = this.words;
    const size = words[W_CONN_OUTPUT_SIZE];
    const masked = this.#random !== null;
    if (n + 8 <= size && n < 0x10000) return this.wholeFrame(data, text, n, opcode, masked, this.nextKey());
    const from = words[W_TX_DIRECT_FROM];
    // one frame, whose whole fits the room (the callers checked): directHeader cannot refuse it once
    // outgoing is set, and nothing is left for fragment(), whose W_TX_FRAGMENT this path does not set
    if (from === 0 || n < from || n > (words[W_TX_FRAGMENT_OPTION] !== 0 ? words[W_TX_FRAGMENT_OPTION] : this.directMax(masked))) return 0;
    words[W_TX_OPCODE] = opcode;
    words[W_TX_POSITION] = 0;
    words[W_TX_TEXT_BYTES] = text ? TEXT_NATIVE : opcode === OPCODE_TEXT ? TEXT_AS_BYTES : 0;
    this.outgoing = data;
    return this.directHeader(data, n, room < size ? room : size, masked, this.nextKey());
  }

  /** Writes a frame of data[position, position + n), n < 126, at outputStart (masked on a client); returns its length. Null data: the payload is there already. */
  private smallFrame(data: Uint8Array | null, position: number, n: number, first: number): number {
    const out = this.memory;
    const start = this.words[W_CONN_OUTPUT_START];
    const random = this.#random;
    const h = random !== null ? 6 : 2;
    out[start] = first;
    // null: a device's text, copied there by the natives
    if (data !== null) {
      if (position === 0 && n === data.length) out.set(data, start + h);
      else out.set(data.subarray(position, position + n), start + h);
    }
    if (random !== null) {
      const key = random() >>> 0;
      out[start + 1] = 0x80 | n;
      if (this.natives.mask !== undefined && n !== 0) {
        // the key as one word (random bits: their order is theirs), then the payload masked in place with it
        this.words[(start + 2) >> 2] = key;
        this.natives.mask(out, start + 6, start + 6 + n, out, start + 2, 0);
      } else if (LITTLE_ENDIAN) keyThenMask(out, this.words, start + 2, n, key); // key and payload lie on words
      else {
        writeHeader(out, start, (first & 0x80) !== 0, first & 0xf, n, true, key);
        applyMask(out, this.words, start + 6, start + 6 + n, key, 0);
      }
    } else out[start + 1] = n;
    return n + h;
  }

  /** A fresh key for every frame a client sends (RFC 6455 5.3); 0 on the server side, unused. */
  private nextKey(): number {
    return this.#random !== null ? this.#random() >>> 0 : 0;
  }
}
