import assert from "node:assert/strict";
import { Connection } from "../../firmware/websocket/core/connection.js";
import { DIRECT_FRAME } from "../../firmware/websocket/core/direct-payload.js";
import { W_TX_ROOM_MOST } from "../../firmware/websocket/core/layout.js";
import type { Copy } from "../../firmware/websocket/platform.js";
import { concat, toHex } from "../../fixtures/hex.js";
import { recordingConnection } from "../../fixtures/transcript.js";
import { nodePlatform } from "../../host/platform-node.js";

const KEY = 0x12345678;
const { mask, copy } = nodePlatform;

function data(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
}

function direct(role: "client" | "server", extra: { fragmentSize?: number; outputSize?: number; bare?: boolean } = {}): Connection {
  const { bare, ...sizes } = extra;
  return recordingConnection({ role, random: () => KEY, ...(bare ? {} : { mask, copy }), directFrom: 126, ...sizes }, []);
}

/** Writes every frame as a transport does, `room` bytes a write at most, all from the output area; `lengths` gets each write's. */
function wire(conn: Connection, room: number, lengths: number[] = []): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const n = conn.encodeNext(room);
    if (n === 0) return concat(...parts);
    lengths.push(n);
    parts.push(conn.memory.slice(conn.outputStart, conn.outputStart + n)); // what the socket copies
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
  it("gives a server's large frame as its header with what the output area holds, then the rest in pieces copied there", function () {
    const conn = direct("server", { outputSize: 600 });
    const message = data(1000);
    conn.send(message);
    assert.equal(conn.encodeNext(), 600);
    assert.equal(toHex(conn.memory, conn.outputStart, conn.outputStart + 4), "827e03e8");
    assert.deepEqual(conn.memory.slice(conn.outputStart + 4, conn.outputStart + 600), message.subarray(0, 596));
    assert.deepEqual([conn.directLeft, conn.sendRemaining, conn.sending], [404, 404, true], "counted until encoded");
    assert.equal(conn.encodeNext(), 404);
    assert.deepEqual(conn.memory.slice(conn.outputStart, conn.outputStart + 404), message.subarray(596));
    assert.deepEqual([conn.sending, conn.sendRemaining], [false, 0]);
    assert.equal(conn.encodeNext(), 0);
  });

  it("copies each piece with the platform's copy, one call a piece", function () {
    const calls: number[][] = [];
    const counting: Copy = (src, from, to, dst, at) => { calls.push([from, to]); copy!(src, from, to, dst, at); };
    const conn = recordingConnection({ role: "server", copy: counting, directFrom: 126, outputSize: 1000 }, []);
    conn.send(data(2500));
    assert.deepEqual(parse(wire(conn, 5000)).payload, data(2500));
    assert.deepEqual(calls, [[0, 996], [996, 1996], [1996, 2500]]);
  });

  it("masks a client's pieces in the output area, in phase, and leaves the app's array as it was", function () {
    const conn = direct("client");
    const message = data(3003);
    conn.send(message);
    const lengths: number[] = [];
    const { frames, payload } = parse(wire(conn, 1001, lengths));
    assert.deepEqual(lengths, [1000, 1000, 1000, 11], "the header and whole words of the key until the frame's end");
    assert.deepEqual(frames, ["1 2 3003"]);
    assert.deepEqual(payload, data(3003));
    assert.deepEqual(message, data(3003), "the app's array as it was");
  });

  it("does the same on a platform without natives: set() copies, script masks", function () {
    const conn = direct("client", { bare: true });
    conn.send(data(4000));
    const { frames, payload } = parse(wire(conn, 5744));
    assert.deepEqual(frames, ["1 2 4000"]);
    assert.deepEqual(payload, data(4000));
  });

  it("waits when the room cannot hold a word of a client's payload, and goes on when it can", function () {
    const conn = direct("client");
    conn.send(data(500));
    assert.equal(conn.encodeNext(8), 8, "the header alone");
    assert.equal(conn.encodeNext(3), 0);
    assert.equal(conn.encodeNext(303), 300);
    assert.equal(conn.encodeNext(1000), 200);
    assert.equal(conn.sending, false);
  });

  it("lets a direct frame go when the transport ends mid-payload: nothing left counted as sending", function () {
    const conn = direct("client");
    conn.send(data(5000));
    conn.encodeNext();
    assert.deepEqual([conn.sending, conn.sendRemaining > 0], [true, true]);
    conn.end();
    assert.deepEqual([conn.sending, conn.sendRemaining, conn.directLeft], [false, 0, 0]);
  });

  it("sends nothing between a direct frame's header and the end of its payload", function () {
    const conn = direct("server");
    conn.send(data(2000));
    assert.equal(conn.encodeNext(), 1460);
    conn.ping();
    assert.equal(conn.encodeNext(), 544, "the payload's rest, not the ping");
    assert.equal(conn.encodeNext(), 2, "then the ping");
    assert.equal(toHex(conn.memory, conn.outputStart, conn.outputStart + 2), "8900");
  });

  it("cuts a payload past 16 KiB into frames of at most 16 KiB that end with a whole write, and at fragmentSize when it is set", function () {
    const big = direct("client");
    big.send(data(40000));
    const lengths: number[] = [];
    const whole = parse(wire(big, 5744, lengths));
    // a client's pieces are whole words of its 1,458-byte output area: 1,456 bytes, 11 a frame with its 8-byte header
    const frame = DIRECT_FRAME - (DIRECT_FRAME % 1456) - 8;
    assert.deepEqual(whole.frames, [`0 2 ${frame}`, `0 0 ${frame}`, `1 0 ${40000 - 2 * frame}`]);
    assert.deepEqual(new Set(lengths.slice(0, -1)), new Set([1456]), "every write but the last one size");
    assert.deepEqual(whole.payload, data(40000));
    const cut = direct("server", { fragmentSize: 300 });
    cut.send(data(700));
    assert.deepEqual(parse(wire(cut, 5744)).frames, ["0 2 300", "0 0 300", "1 0 100"]);
  });

  it("cuts a text's 16 KiB frames where a character ends", function () {
    const conn = direct("server");
    const text = new TextEncoder().encode("a" + "\u20ac".repeat(6000)); // 18,001 bytes, 3 a character after the first
    conn.sendText(text);
    const { frames, payload } = parse(wire(conn, 5744));
    // 11 writes of the server's 1,460-byte output area, less the 4-byte header, is 16,056: inside a character starting at 16,054
    assert.deepEqual(frames, ["0 1 16054", "1 0 1947"]);
    assert.deepEqual(payload, text);
  });

  it("sends a message at once in one frame, from what the output area holds to the largest direct frame, and no larger", function () {
    for (const role of ["client", "server"] as const) {
      // a server's frames take 11 writes of its 1,460-byte area (16,056 payload bytes), a client's of 1,456 with an 8-byte header
      const max = role === "server" ? 16056 : 16008;
      for (const n of [1400, 1460, max - 1, max]) {
        const conn = direct(role);
        const first = conn.encodeAtOnce(data(n), 1 << 20, 2);
        assert.ok(first > 0, `${role} ${n}: at once`);
        const bytes = concat(conn.memory.slice(conn.outputStart, conn.outputStart + first), wire(conn, 1 << 20));
        const { frames, payload } = parse(bytes);
        assert.deepEqual(frames, [`1 2 ${n}`], `${role} ${n}: one frame`);
        assert.deepEqual(payload, data(n));
      }
      // past that, two frames: the general path's (send(), then encodeNext()), which sets their sizes
      for (const n of [max + 1, max + 125, DIRECT_FRAME]) assert.equal(direct(role).encodeAtOnce(data(n), 1 << 20, 2), 0, `${role} ${n}`);
    }
  });

  it("has a piece wait for a whole output area's room once the socket has had that much, and not before", function () {
    for (const most of [0, 1000, 5744]) {
      const conn = direct("server");
      conn.words[W_TX_ROOM_MOST] = most; // as a session sets it from the socket's onWritable counts
      conn.send(data(5000));
      const lengths: number[] = [];
      for (const room of [1460, 700, 1460, 1460, 5744]) lengths.push(conn.encodeNext(room));
      // 1,460 bytes a write while the room holds them; 700 of room: nothing (the socket can give 1,460), or 700 (it never could)
      assert.deepEqual(lengths, most >= 1460 ? [1460, 0, 1460, 1460, 624] : [1460, 700, 1460, 1384, 0], `most room ${most}`);
    }
  });

  it("keeps small frames and a script string whole in the output area", function () {
    const conn = direct("server");
    conn.send(data(125));
    assert.equal(conn.encodeNext(), 127);
    assert.equal(conn.directLeft, 0);
    conn.send("x".repeat(300));
    assert.equal(conn.encodeNext(), 304);
    assert.equal(conn.directLeft, 0);
  });
});
