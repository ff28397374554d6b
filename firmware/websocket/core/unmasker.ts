// The mask key of the frame a connection receives, and its unmasking in script, for platforms without
// a native mask (the receiver calls that one inline). A layer of the connection's one class (sender.js
// below it, receiver.js above), so that the receiver's hot path reaches it without a hop.

import { W_RX_KEY, W_RX_PHASE } from "./layout.js";
import { applyMask, LITTLE_ENDIAN, unmaskWords } from "./mask.js";
import { FrameSender } from "./sender.js";

export abstract class Unmasker extends FrameSender {
  /** A new frame's key, at h[at, at + 4) (kept in state words: a field costs every connection a slot). */
  protected keyAt(h: Uint8Array, at: number): void {
    const words = this.words;
    words[W_RX_KEY] = h[at] | (h[at + 1] << 8) | (h[at + 2] << 16) | (h[at + 3] << 24);
    words[W_RX_PHASE] = 0;
  }

  /** Unmasks a small frame's payload, bytes[at, to), with the key in the 4 bytes before it, in script. */
  protected unmaskSmall(bytes: Uint8Array, at: number, to: number): void {
    if (bytes === this.memory && LITTLE_ENDIAN) unmaskWords(bytes, this.words, at, to, at - 4); // a word at a time
    else applyMask(bytes, null, at, to, ((bytes[at - 4] << 24) | (bytes[at - 3] << 16) | (bytes[at - 2] << 8) | bytes[at - 1]) >>> 0, 0);
  }

  /** Unmasks bytes[from, to) where they lie, in script (a word at a time in the connection's memory). */
  protected unmaskScript(bytes: Uint8Array, from: number, to: number): void {
    const words = this.words;
    const k = words[W_RX_KEY]; // applyMask takes the key's first byte on top
    const phase = words[W_RX_PHASE];
    applyMask(bytes, bytes === this.memory ? words : null, from, to,
      ((k << 24) | ((k << 8) & 0xff0000) | ((k >>> 8) & 0xff00) | (k >>> 24)) >>> 0, phase);
    words[W_RX_PHASE] = (phase + to - from) & 3;
  }
}
