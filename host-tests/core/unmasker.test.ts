// A server's unmasking (core/unmasker.ts and the receiver): read as a transport reads, into the input
// area, every data payload is unmasked where it lies by the platform's native mask, one call for each
// payload's bytes in a read (a control frame's too), or in script without it. Whatever the path, the
// app gets the bytes the client masked.

import assert from "node:assert/strict";
import { Connection } from "../../firmware/websocket/core/connection.js";
import type { Mask } from "../../firmware/websocket/platform.js";
import { concat, maskedFrame } from "../../fixtures/hex.js";
import { nodePlatform } from "../../host/platform-node.js";

/** The native's contract (native/mask.c), its range errors too: Node's platform has it. */
const exactMask = nodePlatform.mask as Mask;

/** The input area's size, and the size of each read: not a multiple of 4, so a frame across reads changes its key's phase. */
const INPUT = 1460;
const READ = 1459;

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 8) + seed) & 0xff);
}

interface Run { messages: string[]; calls: { from: number; to: number; inRead: boolean }[]; pings: string[] }

/** Reads `input` READ bytes at a time into the connection's input area, as a session does. */
function readThrough(input: Uint8Array, native: boolean): Run {
  const run: Run = { messages: [], calls: [], pings: [] };
  let readEnd = 0;
  const mask: Mask = (bytes, from, to, keys, keyAt, phase) => {
    run.calls.push({ from, to, inRead: bytes === conn.memory && from >= conn.inputStart && to <= readEnd });
    return exactMask(bytes, from, to, keys, keyAt, phase);
  };
  const conn: Connection = new Connection({
    role: "server", maxMessage: 8192, inputSize: INPUT, ...(native ? { mask } : {}),
    handler: {
      onMessage(type, data, length) { run.messages.push(`${type}:${Buffer.from(data.subarray(0, length)).toString("hex")}`); },
      onPing(data, start, end) { run.pings.push(Buffer.from(data.subarray(start, end)).toString()); },
    },
  });
  const { memory, inputStart } = conn;
  for (let from = 0; from < input.length; from += READ) {
    const n = Math.min(READ, input.length - from);
    memory.set(input.subarray(from, from + n), inputStart);
    readEnd = inputStart + n;
    // after a ping the rest of the read is handed over again: its pong goes first
    for (let at = inputStart; at < readEnd;) {
      at = conn.receive(memory, at, readEnd);
      while (conn.encodeNext(4096) !== 0) { /* the pong, written */ }
    }
  }
  return run;
}

interface Frame { bytes: Uint8Array; payload: number; control: boolean }

function frame(b0: number, payload: Uint8Array, key: number[]): Frame {
  return { bytes: maskedFrame(b0, payload, key), payload: payload.length, control: (b0 & 0x08) !== 0 };
}

const KEYS = [[0x37, 0xfa, 0x21, 0x3d], [1, 2, 3, 4], [0xde, 0xad, 0xbe, 0xef], [0xa5, 0x5a, 0x0f, 0xf0]];

describe("A server's unmasking with the native mask", function () {
  // small frames, a 1,000-byte frame inside a read, a 5,000-byte frame across four reads, a ping (the
  // rest of its read is then held, and handed over again), and a text message in two fragments
  const payloads = [pattern(1, 1), pattern(16, 2), pattern(125, 3), pattern(2, 4), pattern(1000, 5), pattern(5000, 6)];
  const frames = [
    frame(0x82, payloads[0], KEYS[0]), frame(0x82, payloads[1], KEYS[1]),
    frame(0x82, payloads[2], KEYS[3]), frame(0x82, payloads[3], KEYS[0]),
    frame(0x82, payloads[4], KEYS[1]), frame(0x82, payloads[5], KEYS[2]),
    frame(0x89, new TextEncoder().encode("ping!"), KEYS[2]),
    frame(0x01, new TextEncoder().encode("caf"), KEYS[3]), frame(0x80, new TextEncoder().encode("é!"), KEYS[0]),
  ];
  const expected = [...payloads.map((p) => `2:${Buffer.from(p).toString("hex")}`), `1:${Buffer.from("café!").toString("hex")}`];

  /** Native calls expected: one for each payload's bytes in each read, a control frame's too. */
  function expectedCalls(input: Frame[]): number {
    const bodies: [number, number][] = [];
    let at = 0;
    for (const f of input) {
      at += f.bytes.length;
      bodies.push([at - f.payload, at]);
    }
    let calls = 0;
    for (let from = 0; from < at; from += READ) {
      const to = Math.min(from + READ, at);
      calls += bodies.filter(([start, end]) => end > start && start < to && end > from).length;
    }
    return calls;
  }

  for (const lead of [0, 1, 2, 3]) {
    it(`hands over the bytes the client masked, each payload's bytes in a read in one native call where they lie (${lead} 7-byte frames first)`, function () {
      // a lead of 7-byte frames shifts every later frame to each of the four alignments in the input area
      const input = [...Array.from({ length: lead }, () => frame(0x82, Uint8Array.of(lead), KEYS[1])), ...frames];
      const run = readThrough(concat(...input.map((f) => f.bytes)), true);
      assert.deepEqual(run.messages, [...Array.from({ length: lead }, () => `2:0${lead}`), ...expected]);
      assert.deepEqual(run.pings, ["ping!"]);
      assert.ok(run.calls.every((c) => c.inRead), "every call on a read's own bytes");
      assert.equal(run.calls.length, expectedCalls(input));
      assert.ok(run.calls.length >= 10, `${run.calls.length} calls: the count above is not trivially small`);
    });
  }

  it("takes an empty read inside a frame's body as nothing", function () {
    const got: string[] = [];
    const conn = new Connection({ role: "server", maxMessage: 8192, inputSize: INPUT, mask: exactMask,
      handler: { onMessage(type, data, length) { got.push(`${type}:${Buffer.from(data.subarray(0, length)).toString("hex")}`); } } });
    const { memory, inputStart } = conn;
    const payload = pattern(3000, 7);
    const bytes = frame(0x82, payload, KEYS[0]).bytes;
    const read = (from: number, to: number) => {
      memory.set(bytes.subarray(from, to), inputStart);
      return conn.receive(memory, inputStart, inputStart + to - from);
    };
    read(0, 1001);
    assert.equal(read(1001, 1001), inputStart, "an empty read is taken as nothing");
    read(1001, 2002);
    read(2002, bytes.length);
    assert.deepEqual(got, [`2:${Buffer.from(payload).toString("hex")}`]);
  });

  it("gives the same messages with no native mask, unmasking in script", function () {
    const run = readThrough(concat(...frames.map((f) => f.bytes)), false);
    assert.deepEqual(run.messages, expected);
    assert.deepEqual(run.pings, ["ping!"]);
    assert.equal(run.calls.length, 0);
  });
});
