// The device's sample store: a fixed ring that keeps samples until the server acknowledges their
// sequence numbers. After a reconnect the unacknowledged ones go again; when the ring is full the
// oldest are dropped and counted, and the count travels in every batch. Nothing is lost uncounted.

import { batchHeaderSize, STREAM_MAGIC, STREAM_VERSION } from "./stream-format.js";

export class SampleRing {
  readonly capacity: number;
  readonly channels: number;
  /** This boot's id (see stream-format.ts): every batch carries it, and acknowledgements name it. */
  readonly bootId: number;
  /** Samples dropped because the ring was full, since boot. */
  dropped = 0;
  readonly #times: Float64Array;
  readonly #values: Float32Array;
  /** Sequence number of the oldest sample held, and how many are held. */
  #oldest = 0;
  #count = 0;
  /** Sequence number of the next sample to send (>= #oldest). */
  #unsent = 0;

  constructor(capacity: number, channels: number, bootId = 0) {
    if (!(capacity >= 1 && channels >= 1)) throw new RangeError("a ring needs capacity and channels");
    this.bootId = bootId >>> 0;
    this.capacity = capacity;
    this.channels = channels;
    this.#times = new Float64Array(capacity);
    this.#values = new Float32Array(capacity * channels);
  }

  get size(): number { return this.#count; }
  /** Samples held and not yet sent (since the last connect). */
  get unsent(): number { return this.#oldest + this.#count - this.#unsent; }
  /** The sequence number the next sample will get. */
  get nextSequence(): number { return this.#oldest + this.#count; }

  /** Stores a sample; when full, the oldest is dropped (and counted). Returns its sequence number. */
  push(time: number, readings: ArrayLike<number>): number {
    if (this.#count === this.capacity) {
      this.#oldest++;
      this.#count--;
      this.dropped++;
      if (this.#unsent < this.#oldest) this.#unsent = this.#oldest;
    }
    const sequence = this.#oldest + this.#count;
    const slot = sequence % this.capacity;
    this.#times[slot] = time;
    for (let c = 0; c < this.channels; c++) this.#values[slot * this.channels + c] = readings[c] ?? NaN;
    this.#count++;
    return sequence;
  }

  /** The server holds everything up to `sequence`: those samples leave the ring. */
  acknowledge(sequence: number): void {
    const end = this.#oldest + this.#count;
    if (sequence < this.#oldest || sequence >= end) return; // stale or not ours: ignored
    this.#count = end - (sequence + 1);
    this.#oldest = sequence + 1;
    if (this.#unsent < this.#oldest) this.#unsent = this.#oldest;
  }

  /** After a reconnect: everything held and unacknowledged is sent again. */
  rewind(): void {
    this.#unsent = this.#oldest;
  }

  /**
   * Encodes up to `max` unsent samples as a batch into `out` (see stream-format.js) and marks them
   * sent; returns the batch's length. `out` must hold the header and at least one sample.
   */
  takeBatch(deviceId: string, out: Uint8Array, max: number): number {
    const channels = this.channels;
    const stride = 4 + 4 * channels;
    const header = batchHeaderSize(deviceId);
    const room = Math.floor((out.length - header) / stride);
    const n = Math.min(max, this.unsent, room, 65535);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    out[0] = STREAM_MAGIC;
    out[1] = STREAM_VERSION;
    out[2] = channels;
    out[3] = deviceId.length;
    for (let i = 0; i < deviceId.length; i++) out[4 + i] = deviceId.charCodeAt(i);
    const at = 4 + deviceId.length;
    const first = this.#unsent;
    const base = n > 0 ? this.#times[first % this.capacity] : 0;
    view.setUint32(at, this.bootId);
    view.setUint32(at + 4, first >>> 0);
    view.setUint16(at + 8, n);
    view.setUint32(at + 10, this.dropped >>> 0);
    view.setFloat64(at + 14, base);
    for (let s = 0, o = header; s < n; s++, o += stride) {
      const slot = (first + s) % this.capacity;
      view.setUint32(o, Math.max(0, Math.round(this.#times[slot] - base)));
      for (let c = 0; c < channels; c++) view.setFloat32(o + 4 + 4 * c, this.#values[slot * channels + c]);
    }
    this.#unsent = first + n;
    return header + n * stride;
  }
}
