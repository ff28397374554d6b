// How a data message starts going out, and a device's text written into the output area by the
// platform's natives (a board's text-bytes.c): where XS keeps strings as UTF-8, a string's bytes
// are what goes on the wire, so a text message needs no buffer of its own (ArrayBuffer.fromString
// makes one per message) and no loop of steps; past 125 bytes its frames go as direct ones do
// (direct-payload.js). And a client's frames in the output area masked in place by the native. A
// layer of the sender's class (direct-payload.js below it, sender.js above).

import { OPCODE_BINARY, OPCODE_CONTINUATION, OPCODE_TEXT } from "./constants.js";
import { UsageErrors, WebSocketUsageError } from "./errors.js";
import { TX_MORE, W_CONN_OUTPUT_SIZE, W_TX_FRAGMENT, W_TX_OPCODE, W_TX_POSITION, W_TX_REMAINING, W_TX_TEXT_BYTES } from "./layout.js";
import { DirectPayload, TEXT_AS_BYTES, TEXT_NATIVE } from "./direct-payload.js";
import { utf8Length, utf8Native } from "./utf8.js";
import type { TextBytes } from "../platform.js";

export class TextOut extends DirectPayload {
  /** UTF-8 bytes of `text`: the natives' count where they take it, else counted in script. */
  utf8Size(text: string): number {
    const n = this.natives.text !== undefined ? this.natives.text.size(text) : -1;
    return n >= 0 ? n : utf8Length(text);
  }

  protected startText(text: string, fragmentSize: number): void {
    if (text == null) throw new WebSocketUsageError(UsageErrors.INVALID_DATA);
    // a fragment must hold the longest code point, or a tiny fragment size could never progress
    const fragment = fragmentSize > 0 && fragmentSize < 4 ? 4 : fragmentSize;
    // on a device the string's own bytes, copied into each frame by the natives (-1: bytes XS holds otherwise)
    const size = this.natives.text !== undefined ? this.natives.text.size(text) : -1;
    if (size >= 0) {
      this.start(OPCODE_TEXT, size, 0, fragment);
      this.outgoing = text;
      this.words[W_TX_TEXT_BYTES] = TEXT_NATIVE;
      return;
    }
    // else the native conversion, once: encoding from an index would walk the string each time
    const bytes = utf8Native(text);
    if (bytes !== null) return this.startTextBytes(bytes, fragmentSize);
    this.start(OPCODE_TEXT, utf8Length(text), 0, fragment);
    this.outgoing = text;
  }

  /**
   * A text message given as its UTF-8 bytes (valid: the peer fails the connection otherwise). Its
   * fragments end at character boundaries, as the script encoder's do.
   */
  protected startTextBytes(bytes: Uint8Array, fragmentSize: number): void {
    this.start(OPCODE_TEXT, bytes.length, 0, fragmentSize > 0 && fragmentSize < 4 ? 4 : fragmentSize);
    this.outgoing = bytes;
    this.words[W_TX_TEXT_BYTES] = TEXT_AS_BYTES;
  }

  protected startBinary(data: Uint8Array, start: number, end: number, fragmentSize: number): void {
    this.start(OPCODE_BINARY, end - start, start, fragmentSize);
    this.outgoing = data;
  }

  /**
   * One piece of a message whose size is not known up front (ECMA-419's write with {more: true}):
   * data[start, end), kept by reference until encoded. The first piece's opcode opens the message;
   * the others continue it, and the frame that ends a `final` piece ends the message.
   */
  protected startPiece(data: Uint8Array, start: number, end: number, opcode: number, final: boolean, fragmentSize: number): void {
    const open = this.words[W_TX_OPCODE] >= TX_MORE;
    this.start(open ? OPCODE_CONTINUATION : opcode, end - start, start, fragmentSize);
    if (!final) this.words[W_TX_OPCODE] |= TX_MORE;
    this.outgoing = data;
  }

  /** A message sent in pieces has not had its final piece: no other message may start. */
  get piecesOpen(): boolean { return this.words[W_TX_OPCODE] >= TX_MORE; }

  private start(opcode: number, length: number, position: number, fragmentSize: number): void {
    if (this.outgoing !== null) throw new WebSocketUsageError(UsageErrors.BUSY);
    const words = this.words;
    words[W_TX_OPCODE] = opcode;
    words[W_TX_REMAINING] = length;
    words[W_TX_POSITION] = position;
    words[W_TX_FRAGMENT] = fragmentSize > 0 ? fragmentSize : words[W_CONN_OUTPUT_SIZE];
    words[W_TX_TEXT_BYTES] = 0; // the text starts set it after
  }

  /** The next bytes of a native text message into memory[at, at + n) (fewer where a character would not fit): how many. */
  protected textPiece(text: string, remaining: number, at: number, n: number): number {
    const position = this.words[W_TX_POSITION];
    const written = (this.natives.text as TextBytes).into(text, position, position + remaining, this.memory, at, at + n);
    this.words[W_TX_POSITION] = position + written;
    return written;
  }
}
