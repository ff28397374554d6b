// The mask key of the frame a connection receives, and its unmasking: in place with the platform's
// native mask (receiver.js calls it inline), else with its native xor after a move (unmaskRead), else
// in script (little-endian hosts for the natives). A layer of the connection's one class
// (sender.js below it, receiver.js above), so that the receiver's hot path reaches it without a hop.

import type { Natives, Random32, Xor } from "../platform.js";
import { INPUT_START, KEY_AREA, W_RX_KEY, W_RX_PHASE } from "./layout.js";
import { applyMask } from "./mask.js";
import { FrameSender } from "./sender.js";

export abstract class Unmasker extends FrameSender {
  /**
   * The native xor's source when a server unmasks with it, the key's 4 bytes at KEY_AREA (written as a
   * little-endian word, turned to each use); null on a client, or without a native xor.
   */
  protected readonly unmaskKey: Uint8Array | null;

  constructor(words: Uint32Array, random: Random32 | null, server: boolean, natives: Natives) {
    super(words, random, natives);
    // the xor's way only without native masking in place, which needs no view
    this.unmaskKey = server && this.natives.xor !== undefined && this.natives.mask === undefined ? this.memory.subarray(KEY_AREA, KEY_AREA + 4) : null;
  }

  /** A new frame's key, at h[at, at + 4) (kept in state words: a field costs every connection a slot). */
  protected keyAt(h: Uint8Array, at: number): void {
    const words = this.words;
    words[W_RX_KEY] = h[at] | (h[at + 1] << 8) | (h[at + 2] << 16) | (h[at + 3] << 24);
    words[W_RX_PHASE] = 0;
  }

  /**
   * Unmasks memory[from, to) of a fresh read with one call of the native xor, whose target must start
   * where the xor does: the read's own view, which starts at INPUT_START. Every byte of the read
   * before `from` is consumed, so the payload moves there first (whole words: a memmove, which XS
   * meters at 2 steps a word, where unmasking in script costs about 5 steps a byte), keeping its place
   * in its word; the bytes before it in that word are xorred as well, and are nothing. Returns where
   * the payload lies now. (A small frame's key and payload move in one byte-wise copy instead, in
   * receive(): its key is then in place, unread.)
   */
  protected unmaskRead(view: Uint8Array, from: number, to: number): number {
    if (to === from) return from; // the native refuses a count of 0
    const shift = from & 3;
    const words = this.words;
    if (from - shift !== INPUT_START) words.copyWithin(INPUT_START >> 2, from >> 2, (to + 3) >> 2);
    const phase = words[W_RX_PHASE];
    const turn = ((phase - shift) & 3) << 3; // the key byte that falls on INPUT_START, in bits
    const key = words[W_RX_KEY];
    words[KEY_AREA >> 2] = turn === 0 ? key : (key >>> turn) | (key << (32 - turn));
    (this.natives.xor as Xor)(view, this.unmaskKey as Uint8Array, shift + to - from);
    words[W_RX_PHASE] = (phase + to - from) & 3;
    return INPUT_START + shift;
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
