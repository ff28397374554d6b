import assert from "node:assert/strict";
import { Connection } from "../../firmware/websocket/core/connection.js";
import { DIRECT_FRAME } from "../../firmware/websocket/core/direct-payload.js";
import { concat, toHex } from "../../fixtures/hex.js";
import { recordingConnection } from "../../fixtures/transcript.js";
import { nodePlatform } from "../../host/platform-node.js";

const KEY = 0x12345678;
const xor = nodePlatform.xor!;

function data(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
}

function direct(role: "client" | "server", extra: { fragmentSize?: number } = {}): Connection {
  return recordingConnection({ role, random: () => KEY, xor, directFrom: 126, ...extra }, []);
}

/** Writes every frame as a transport does: header from the output area, then the direct pieces, `room` bytes a write. */
function wire(conn: Connection, room: number, onPiece?: (piece: Uint8Array) => void): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    if (conn.directLeft > 0) {
      const piece = conn.directPiece(room);
      assert.ok(piece !== null, "a piece for the room there is");
      parts.push(piece.slice()); // what the socket copies
      onPiece?.(piece);
      conn.directDone(piece, true);
      continue;
    }
    const n = conn.encodeNext(room);
    if (n === 0) return concat(...parts);
    parts.push(conn.memory.slice(conn.outputStart, conn.outputStart + n));
  }
  throw new Error("the frames did not end");
}

/** The frames in bytes, unmasked: "fin opcode length" and the payloads joined. */
function parse(bytes: Uint8Array): { frames: string[]; payload: Uint8Array } {
  const frames: string[] = [];
  const payloads: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const b0 = bytes[at];
    let len = bytes[at + 1] & 0x7f;
    let h = at + 2;
    if (len === 126) { len = (bytes[at + 2] << 8) | bytes[at + 3]; h = at + 4; }
    else if (len === 127) { len = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2).getBigUint64(0)); h = at + 10; }
    const key = (bytes[at + 1] & 0x80) !== 0 ? bytes.slice(h, h + 4) : null;
    if (key !== null) h += 4;
    payloads.push(bytes.slice(h, h + len).map((x, i) => (key !== null ? x ^ key[i & 3] : x)));
    frames.push(`${b0 >> 7} ${b0 & 15} ${len}`);
    at = h + len;
  }
  return { frames, payload: concat(...payloads) };
}

describe("Direct payload", function () {
  it("gives a server's large frame as its header, then pieces of the app's own array", function () {
    const conn = direct("server");
    const message = data(1000);
    conn.send(message);
    assert.equal(conn.encodeNext(), 4);
    assert.equal(toHex(conn.memory, conn.outputStart, conn.outputStart + 4), "827e03e8");
    const first = conn.directPiece(600)!;
    assert.equal(first.buffer, message.buffer, "the app's memory, not a copy");
    assert.deepEqual([first.byteOffset, first.length], [0, 600]);
    conn.directDone(first, true);
    assert.equal(conn.sendRemaining, 400, "counted until written");
    const rest = conn.directPiece(600)!;
    assert.deepEqual([rest.byteOffset, rest.length], [600, 400]);
    conn.directDone(rest, true);
    assert.equal(conn.sending, false);
    assert.equal(conn.encodeNext(), 0);
  });

  it("masks a client's pieces in place, in phase, and gives the app its bytes back after each", function () {
    const conn = direct("client");
    const message = data(3003);
    const original = message.slice();
    conn.send(message);
    const lengths: number[] = [];
    const bytes = wire(conn, 1001, (piece) => {
      lengths.push(piece.length);
      assert.notDeepEqual(piece, original.subarray(piece.byteOffset, piece.byteOffset + piece.length), "masked while written");
    });
    assert.deepEqual(message, original, "the app's array as it was");
    assert.deepEqual(lengths, [1000, 1000, 1000, 3], "whole words of the key until the frame's end");
    const { frames, payload } = parse(bytes);
    assert.deepEqual(frames, ["1 2 3003"]);
    assert.deepEqual(payload, original);
  });

  it("masks a copy in the output area when the app's array cannot be written", function () {
    const message = data(4000);
    const readOnly = (dst: Uint8Array, src: Uint8Array) => {
      if (dst.buffer === message.buffer) throw new TypeError("read-only");
      xor(dst, src);
    };
    const conn = recordingConnection({ role: "client", random: () => KEY, xor: readOnly, directFrom: 126, outputSize: 1024 }, []);
    conn.send(message);
    const parts: Uint8Array[] = [];
    parts.push(conn.memory.slice(conn.outputStart, conn.outputStart + conn.encodeNext()));
    while (conn.directLeft > 0) {
      const piece = conn.directPiece(5000)!;
      assert.equal(piece.buffer, conn.memory.buffer, "a copy in the connection's memory");
      assert.ok(piece.length <= 1024);
      parts.push(piece.slice());
      conn.directDone(piece, true);
    }
    const { frames, payload } = parse(concat(...parts));
    assert.deepEqual(frames, ["1 2 4000"]);
    assert.deepEqual(payload, data(4000));
  });

  it("takes a piece back unwritten when the socket refused it: unmasked, and given again", function () {
    const conn = direct("client");
    const message = data(500);
    conn.send(message);
    conn.encodeNext();
    const refused = conn.directPiece(300)!;
    conn.directDone(refused, false);
    assert.deepEqual(message, data(500));
    const again = conn.directPiece(300)!;
    assert.deepEqual([again.byteOffset, again.length], [0, 300]);
  });

  it("lets a direct frame go when the transport ends mid-payload: nothing left counted as sending", function () {
    const conn = direct("client");
    conn.send(data(5000));
    conn.encodeNext();
    const piece = conn.directPiece(1000)!;
    conn.directDone(piece, true);
    assert.deepEqual([conn.sending, conn.sendRemaining > 0], [true, true]);
    conn.end();
    assert.deepEqual([conn.sending, conn.sendRemaining, conn.directLeft], [false, 0, 0]);
  });

  it("sends nothing between a direct frame's header and the end of its payload", function () {
    const conn = direct("server");
    conn.send(data(200));
    assert.equal(conn.encodeNext(), 4);
    conn.ping();
    assert.equal(conn.encodeNext(), 0, "the ping waits");
    const piece = conn.directPiece(1000)!;
    conn.directDone(piece, true);
    assert.equal(conn.encodeNext(), 2, "then the ping");
    assert.equal(toHex(conn.memory, conn.outputStart, conn.outputStart + 2), "8900");
  });

  it("cuts a payload past 16 KiB into frames of 16 KiB, and at fragmentSize when it is set", function () {
    const big = direct("client");
    big.send(data(40000));
    const whole = parse(wire(big, 5744));
    assert.deepEqual(whole.frames, [`0 2 ${DIRECT_FRAME}`, `0 0 ${DIRECT_FRAME}`, `1 0 ${40000 - 2 * DIRECT_FRAME}`]);
    assert.deepEqual(whole.payload, data(40000));
    const cut = direct("server", { fragmentSize: 300 });
    cut.send(data(700));
    assert.deepEqual(parse(wire(cut, 5744)).frames, ["0 2 300", "0 0 300", "1 0 100"]);
  });

  it("keeps small frames and text whole in the output area", function () {
    const conn = direct("server");
    conn.send(data(125));
    assert.equal(conn.encodeNext(), 127);
    assert.equal(conn.directLeft, 0);
    conn.send("x".repeat(300));
    assert.equal(conn.encodeNext(), 304);
    assert.equal(conn.directLeft, 0);
  });

  it("never goes direct for a client without a native xor: its masking needs a copy anyway", function () {
    const conn = recordingConnection({ role: "client", random: () => KEY, directFrom: 126 }, []);
    conn.send(data(1000));
    assert.equal(conn.encodeNext(), 1008);
    assert.equal(conn.directLeft, 0);
  });
});
