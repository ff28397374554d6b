// What the stack writes, checked as a peer would read it: each frame's header and length, and each
// data message counted when its final frame is complete. A frame's bytes may span writes.

export class FrameSink {
  /** Data messages completed (FIN on a text, binary or continuation frame). */
  messages = 0;
  frames = 0;
  bytes = 0;
  /** Set on the first header no peer could accept (such as a 64-bit length past 2^53). */
  invalid = "";
  #header = new Uint8Array(14);
  #have = 0;
  #need = 2;
  #payloadLeft = 0;
  #fin = false;

  /** Starts a new cell at a frame boundary: each write holds whole frames, so this is always safe between cells. */
  reset(): void {
    this.invalid = "";
    this.#have = 0;
    this.#need = 2;
    this.#payloadLeft = 0;
  }

  take(bytes: Uint8Array): void {
    this.bytes += bytes.length;
    if (this.invalid !== "") return; // past a bad header the rest cannot be framed
    let i = 0;
    while (i < bytes.length) {
      if (this.#payloadLeft > 0) {
        const n = Math.min(this.#payloadLeft, bytes.length - i);
        this.#payloadLeft -= n;
        i += n;
        if (this.#payloadLeft === 0) this.#frameDone();
        continue;
      }
      this.#header[this.#have++] = bytes[i++];
      if (this.#have === 2) this.#need = headerLength(this.#header[1]);
      if (this.#have < this.#need) continue;
      this.#payloadLeft = this.#payloadLength();
      this.#fin = (this.#header[0] & 0x80) !== 0 && (this.#header[0] & 0x08) === 0;
      this.#have = 0;
      this.#need = 2;
      if (this.#payloadLeft === 0) this.#frameDone();
    }
  }

  #payloadLength(): number {
    const h = this.#header;
    const n = h[1] & 0x7f;
    if (n < 126) return n;
    if (n === 126) return (h[2] << 8) | h[3];
    if (h[2] !== 0 || h[3] !== 0 || (h[4] & 0xe0) !== 0) {
      this.invalid ||= `64-bit length ${Array.from(h.subarray(2, 10)).join(",")} (past 2^53)`;
      return 0;
    }
    return h[4] * 0x10000000000 + h[5] * 0x100000000 + ((h[6] << 24) >>> 0) + ((h[7] << 16) | (h[8] << 8) | h[9]);
  }

  #frameDone(): void {
    this.frames++;
    if (this.#fin) this.messages++;
  }
}

function headerLength(second: number): number {
  const n = second & 0x7f;
  return 2 + (n === 126 ? 2 : n === 127 ? 8 : 0) + ((second & 0x80) !== 0 ? 4 : 0);
}
