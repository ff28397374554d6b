import assert from "node:assert/strict";
import { SampleRing } from "../../firmware/app/sample-ring.js";
import { batchSize, decodeBatch, StreamFormatError } from "../../firmware/app/stream-format.js";

const out = new Uint8Array(4096);
const take = (ring: SampleRing, max = 1000) => decodeBatch(out.subarray(0, ring.takeBatch("dev-1", out, max)));

describe("Sample ring and stream format", function () {
  it("encodes samples that the server decodes with boot id, sequence, times and readings", function () {
    const ring = new SampleRing(8, 2, 0xdeadbeef);
    ring.push(1_700_000_000_000, [21.5, 40.25]);
    ring.push(1_700_000_000_250, [21.75, NaN]);
    const batch = take(ring);
    assert.equal(batch.deviceId, "dev-1");
    assert.equal(batch.bootId, 0xdeadbeef);
    assert.equal(batch.firstSequence, 0);
    assert.equal(batch.dropped, 0);
    assert.deepEqual(batch.timestamps, [1_700_000_000_000, 1_700_000_000_250]);
    assert.deepEqual(batch.readings[0], [21.5, 40.25]);
    assert.ok(Number.isNaN(batch.readings[1][1]), "a failed sensor travels as NaN");
    assert.equal(ring.unsent, 0);
    assert.equal(ring.size, 2, "sent is not acknowledged: still held");
  });

  it("drops the oldest when full, counts them, and reports the count in every batch", function () {
    const ring = new SampleRing(4, 1);
    for (let i = 0; i < 6; i++) ring.push(i, [i]);
    assert.equal(ring.dropped, 2);
    const batch = take(ring);
    assert.equal(batch.firstSequence, 2);
    assert.deepEqual(batch.readings.map((r) => r[0]), [2, 3, 4, 5]);
    assert.equal(batch.dropped, 2);
    assert.equal(take(ring).dropped, 2, "an empty batch still carries the count");
  });

  it("sends the unacknowledged samples again after a reconnect, and only those", function () {
    const ring = new SampleRing(16, 1);
    for (let i = 0; i < 5; i++) ring.push(i, [i]);
    assert.equal(take(ring).firstSequence, 0);
    ring.acknowledge(2);
    ring.rewind();
    const again = take(ring);
    assert.equal(again.firstSequence, 3);
    assert.deepEqual(again.readings.map((r) => r[0]), [3, 4]);
    ring.acknowledge(4);
    assert.equal(ring.size, 0);
  });

  it("ignores an acknowledgement of samples it does not hold", function () {
    const ring = new SampleRing(4, 1);
    for (let i = 0; i < 3; i++) ring.push(i, [i]);
    ring.acknowledge(7);
    ring.acknowledge(-1);
    assert.equal(ring.size, 3);
  });

  it("splits into batches that fit the buffer, in order and without gaps", function () {
    const ring = new SampleRing(100, 3);
    for (let i = 0; i < 100; i++) ring.push(i * 10, [i, i + 0.5, -i]);
    const small = new Uint8Array(batchSize("dev-1", 3, 7));
    const seen: number[] = [];
    while (ring.unsent > 0) {
      const batch = decodeBatch(small.subarray(0, ring.takeBatch("dev-1", small, 1000)));
      assert.ok(batch.readings.length <= 7);
      batch.readings.forEach((r, k) => { assert.equal(batch.firstSequence + k, r[0]); seen.push(r[0]); });
    }
    assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
  });

  const bad: [string, (b: Uint8Array) => Uint8Array, string][] = [
    ["a short message", (b) => b.subarray(0, 10), "STREAM_TOO_SHORT"],
    ["another magic byte", (b) => Object.assign(b.slice(), { 0: 0x54 }), "STREAM_BAD_MAGIC"],
    ["another version", (b) => Object.assign(b.slice(), { 1: 9 }), "STREAM_BAD_VERSION"],
    ["version 1, which had no boot id", (b) => Object.assign(b.slice(), { 1: 1 }), "STREAM_BAD_VERSION"],
    ["zero channels", (b) => Object.assign(b.slice(), { 2: 0 }), "STREAM_BAD_CHANNELS"],
    ["a control character in the id", (b) => Object.assign(b.slice(), { 4: 0x0a }), "STREAM_BAD_DEVICE_ID"],
    ["a length that does not match the count", (b) => b.subarray(0, b.length - 1), "STREAM_BAD_LENGTH"],
  ];
  for (const [what, mutate, code] of bad) {
    it(`refuses ${what} with ${code}`, function () {
      const ring = new SampleRing(4, 2);
      ring.push(0, [1, 2]);
      const good = out.slice(0, ring.takeBatch("dev-1", out, 10));
      assert.throws(() => decodeBatch(mutate(good)), (e: unknown) => e instanceof StreamFormatError && e.code === code);
    });
  }
});
