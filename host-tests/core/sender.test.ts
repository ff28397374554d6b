import assert from "node:assert/strict";
import { nodePlatform } from "../../host/platform-node.js";
import { Connection } from "../../firmware/websocket/core/connection.js";
import { WebSocketUsageError } from "../../firmware/websocket/core/errors.js";
import { seededRandom, toHex } from "../../fixtures/hex.js";
import { recordingConnection } from "../../fixtures/transcript.js";

/** The first n bytes of the output area, where encodeNext() put a frame. */
function output(conn: Connection, n: number): Uint8Array {
  return conn.memory.slice(conn.outputStart, conn.outputStart + n);
}

/** Frames the connection writes, unmasked and parsed back: [fin, opcode, payload hex]. */
function frames(conn: Connection, limit = Infinity): string[] {
  const out: string[] = [];
  for (let n = conn.encodeNext(limit); n > 0; n = conn.encodeNext(limit)) {
    const b = output(conn, n);
    let len = b[1] & 0x7f;
    let at = 2;
    if (len === 126) { len = (b[2] << 8) | b[3]; at = 4; }
    else if (len === 127) { len = Number(new DataView(b.buffer).getBigUint64(2)); at = 10; }
    const masked = (b[1] & 0x80) !== 0;
    const key = masked ? b.slice(at, at + 4) : null;
    if (masked) at += 4;
    assert.equal(n, at + len, "frame length matches its header");
    const payload = b.slice(at).map((x, i) => (key ? x ^ key[i & 3] : x));
    out.push(`${b[0] >> 7} ${b[0] & 15} ${toHex(payload)}`);
  }
  return out;
}

describe("Sending", function () {
  it("sends a message that fits in one unmasked frame from a server", function () {
    const conn = recordingConnection({ role: "server" }, []);
    conn.send("Hello");
    assert.deepEqual(frames(conn), ["1 1 48656c6c6f"]);
  });

  it("masks every client frame with a fresh key", function () {
    const conn = recordingConnection({ role: "client", random: seededRandom(9) }, []);
    conn.send(Uint8Array.from([1, 2, 3]));
    const n = conn.encodeNext();
    const first = output(conn, 6).slice(2);
    conn.send(Uint8Array.from([1, 2, 3]));
    conn.encodeNext();
    assert.equal(output(conn, 2)[1], 0x83);
    assert.notDeepEqual(output(conn, 6).slice(2), first);
    assert.equal(n, 9);
  });

  it("masks a client's frames in place with one native mask call each, every length to 125 and larger ones, with the header's key", function () {
    const calls: string[] = [];
    // the native's contract (native/mask.c): bytes[from, to) ^= keys[keyAt, keyAt + 4), byte `phase` first
    const mask = (bytes: Uint8Array, from: number, to: number, keys: Uint8Array, keyAt: number, phase: number) => {
      assert.ok(from >= 0 && from <= to && to <= bytes.length && keyAt + 4 <= keys.length, `range ${from}-${to}, key at ${keyAt}`);
      calls.push(`${to - from}@${from - keyAt}`);
      const k = keys.slice(keyAt, keyAt + 4);
      for (let i = from; i < to; i++) bytes[i] ^= k[(phase + i - from) & 3];
      return (phase + to - from) & 3;
    };
    const conn = new Connection({ role: "client", random: seededRandom(9), mask, handler: {}, outputSize: 2048 });
    const lengths = [...Array.from({ length: 126 }, (_, i) => i), 126, 1000, 2000];
    for (const length of lengths) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      conn.send(data);
      assert.deepEqual(frames(conn), [`1 2 ${toHex(data)}`], `length ${length}`);
    }
    // one call for each frame with a payload, the key the 4 bytes just before it, and none for the empty one
    assert.deepEqual(calls, lengths.slice(1).map((n) => `${n}@4`));
  });

  it("holds an empty message while the room is shorter than its header, then sends it whole", function () {
    for (const role of ["client", "server"] as const) {
      for (const natives of [{}, { mask: nodePlatform.mask, copy: nodePlatform.copy }]) {
        const conn = new Connection({ role, random: () => 0x01020304, handler: {}, ...natives });
        conn.send(new Uint8Array(0));
        assert.equal(conn.encodeNext(1), 0, `${role}: nothing in 1 byte of room`);
        assert.deepEqual(frames(conn), ["1 2 "], `${role}: then the empty frame, and nothing after it`);
      }
    }
  });

  it("sends a message in pieces as the frames of one message, a pong between two pieces", function () {
    const conn = recordingConnection({ role: "server" }, []);
    conn.sendPiece(Uint8Array.from([1, 2]), 0, 2, true, false);
    assert.deepEqual(frames(conn), ["0 2 0102"]);
    conn.receive(Uint8Array.from([0x89, 0x81, 0, 0, 0, 0, 0x07]), 0, 7); // a masked ping, payload 07
    conn.sendPiece(Uint8Array.from([9, 3, 4, 9]), 1, 3, true, false);
    assert.deepEqual(frames(conn), ["1 10 07", "0 0 0304"]);
    assert.throws(() => conn.send("no"), (e: WebSocketUsageError) => e.code === "WS_ERR_PIECES_OPEN");
    conn.sendPiece(new Uint8Array(0), 0, 0, true, true);
    assert.deepEqual(frames(conn), ["1 0 "]);
    conn.send("ok"); // the message ended: the next one starts afresh
    assert.deepEqual(frames(conn), ["1 1 6f6b"]);
  });

  it("refuses null and undefined as a message with WS_ERR_INVALID_DATA, and sends nothing for them", function () {
    const conn = recordingConnection({ role: "server" }, []);
    for (const bad of [null, undefined]) {
      assert.throws(() => conn.send(bad as unknown as string), (e: WebSocketUsageError) => e.code === "WS_ERR_INVALID_DATA");
    }
    assert.deepEqual(frames(conn), []);
    conn.send("ok"); // nothing was started: the connection sends on
    assert.deepEqual(frames(conn), ["1 1 6f6b"]);
  });

  it("splits a text piece larger than the buffer into continuation frames, the last final", function () {
    const conn = recordingConnection({ role: "client", outputSize: 140, random: seededRandom(2) }, []);
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => 0x61 + (i % 26));
    conn.sendPiece(bytes, 0, 300, false, true);
    const out = frames(conn);
    assert.deepEqual(out.map((f) => f.split(" ").slice(0, 2).join(" ")), ["0 1", "0 0", "1 0"]);
    assert.equal(out.map((f) => f.split(" ")[2]).join(""), toHex(bytes));
  });

  it("fragments a message larger than the transmit buffer, and text only at character boundaries", function () {
    const conn = recordingConnection({ role: "client", outputSize: 160, random: seededRandom(1) }, []);
    const text = "é".repeat(200); // 400 bytes of 2-byte characters
    conn.send(text);
    const out = frames(conn);
    assert.ok(out.length >= 3);
    assert.deepEqual(out.map((f) => f.split(" ").slice(0, 2).join(" ")),
      out.map((_, i) => `${i === out.length - 1 ? 1 : 0} ${i === 0 ? 1 : 0}`));
    const payload = Buffer.from(out.map((f) => f.split(" ")[2]).join(""), "hex");
    assert.equal(payload.toString("utf8"), text);
    for (const f of out) assert.equal(Buffer.from(f.split(" ")[2], "hex").length % 2, 0, "no character split");
  });

  it("fragments on request and uses 7-, 16- and 64-bit lengths", function () {
    const conn = recordingConnection({ role: "server", outputSize: 70_000, fragmentSize: 65_536 }, []);
    assert.equal(conn.memory.length - conn.outputStart, 70_000, "the output area is as large as asked");
    /** The length field's first byte (the form: 126 for 16 bits, 127 for 64) and the payload length. */
    const lengths = (): [number, number][] => {
      const out: [number, number][] = [];
      for (let n = conn.encodeNext(); n > 0; n = conn.encodeNext()) {
        const form = conn.memory[conn.outputStart + 1] & 0x7f;
        out.push([form, n - (form === 127 ? 10 : form === 126 ? 4 : 2)]);
      }
      return out;
    };
    conn.send(new Uint8Array(65_600).map((_, i) => i & 0xff));
    assert.deepEqual(lengths(), [[127, 65_536], [64, 64]]);
    conn.send(new Uint8Array(1000));
    assert.deepEqual(lengths(), [[126, 1000]]);
  });

  it("sends a pending pong and a close between the fragments of a data message", function () {
    const conn = recordingConnection({ role: "server", fragmentSize: 10 }, []);
    conn.send("b".repeat(25));
    assert.ok(conn.encodeNext() > 0, "the first fragment goes out");
    conn.receive(Uint8Array.from([0x89, 0x82, 0, 0, 0, 0, 0x70, 0x71]), 0, 8); // ping "pq"
    conn.close(1000, "done");
    assert.deepEqual(frames(conn), ["1 10 7071", "1 8 03e8646f6e65"]);
    assert.equal(conn.hasOutput, false, "no data frame follows the close");
  });

  it("never writes past the room the transport has: it fragments to fit, or waits", function () {
    const conn = recordingConnection({ role: "server" }, []);
    conn.send("Hello");
    assert.equal(conn.encodeNext(2), 0, "no room for a header and a byte: wait");
    assert.equal(conn.encodeNext(6), 6);
    assert.deepEqual(Array.from(output(conn, 6)), [0x01, 4, 0x48, 0x65, 0x6c, 0x6c]);
    assert.deepEqual(frames(conn), ["1 0 6f"]);
  });

  it("refuses misuse with a usage error and its code", function () {
    const conn = recordingConnection({ role: "server" }, []);
    conn.send("x");
    assert.throws(() => conn.send("y"), (e: unknown) => e instanceof WebSocketUsageError && e.code === "WS_ERR_SEND_BUSY");
    assert.throws(() => conn.close(1005), (e: unknown) => e instanceof WebSocketUsageError && e.code === "WS_ERR_INVALID_CLOSE_CODE");
    assert.throws(() => conn.close(1000, "x".repeat(124)), (e: unknown) => (e as WebSocketUsageError).code === "WS_ERR_CLOSE_REASON_TOO_LONG");
    assert.throws(() => conn.ping(new Uint8Array(126)), (e: unknown) => (e as WebSocketUsageError).code === "WS_ERR_CONTROL_TOO_LONG");
    conn.close();
    assert.throws(() => conn.send("z"), (e: unknown) => (e as WebSocketUsageError).code === "WS_ERR_NOT_OPEN");
  });

  it("reports a clean close after the peer answers our close, with the local side as initiator", function () {
    const events: string[] = [];
    const conn = recordingConnection({ role: "server" }, events);
    conn.close(4000, "bye");
    assert.deepEqual(frames(conn), ["1 8 0fa0627965"]);
    assert.equal(conn.done, false, "still waiting for the peer's close");
    conn.receive(Uint8Array.from([0x88, 0x82, 0, 0, 0, 0, 0x0f, 0xa0]), 0, 8);
    assert.deepEqual(events, ['close 4000 "" clean']);
    assert.equal(conn.closeInitiator, "local");
    assert.equal(conn.done, true);
  });

  it("reports 1006 when the stream ends while waiting for the peer's close", function () {
    const events: string[] = [];
    const conn = recordingConnection({ role: "server" }, events);
    conn.close();
    frames(conn);
    conn.end();
    assert.deepEqual(events, ['close 1006 "" unclean']);
  });
});

describe("Our pings", function () {
  it("carry their payload as it is when the frame is encoded: ping() keeps the array, not a copy", function () {
    const conn = recordingConnection({ role: "server" }, []);
    const payload = Uint8Array.from([1, 2]);
    conn.ping(payload);
    payload[1] = 3;
    assert.deepEqual(frames(conn), ["1 9 0103"]);
    conn.ping(payload);
    conn.ping();
    assert.deepEqual(frames(conn), ["1 9 "], "the newest ping() replaces one not yet encoded");
  });

  it("go out between the fragments of a data message, after a pending pong", function () {
    const conn = recordingConnection({ role: "client", fragmentSize: 4, random: seededRandom(3) }, []);
    conn.send("abcdefgh");
    assert.ok(conn.encodeNext() > 0);
    conn.ping(Uint8Array.from([9]));
    conn.receive(Uint8Array.from([0x89, 0x01, 0x70]), 0, 3); // the server pings "p"
    assert.deepEqual(frames(conn), ["1 10 70", "1 9 09", "1 0 65666768"]);
  });
});

describe("Connection options", function () {
  it("refuse sizes a connection cannot hold with a RangeError naming the option", function () {
    const handler = {};
    for (const [options, name] of [
      [{ maxMessage: 0 }, "maxMessage"], [{ maxMessage: 1.5 }, "maxMessage"], [{ inputSize: 0 }, "inputSize"],
      [{ outputSize: -1 }, "outputSize"], [{ fragmentSize: 2 ** 32 }, "fragmentSize"], [{ inputSize: NaN }, "inputSize"],
    ] as const) {
      assert.throws(() => new Connection({ role: "server", handler, ...options }),
        (e: unknown) => e instanceof RangeError && e.message.startsWith(name), JSON.stringify(options));
    }
    assert.doesNotThrow(() => new Connection({ role: "server", handler, streaming: true, maxMessage: 0 }));
  });
});

describe("Pings from the peer", function () {
  it("stop receive() after each ping, so that its pong can be written before the next is read", function () {
    const events: string[] = [];
    const conn = recordingConnection({ role: "server" }, events);
    const two = Uint8Array.from([0x89, 0x81, 0, 0, 0, 0, 0x61, 0x89, 0x81, 0, 0, 0, 0, 0x62]);
    assert.equal(conn.receive(two, 0, 14), 7);
    assert.equal(conn.pongWaiting, true);
    assert.deepEqual(frames(conn), ["1 10 61"]);
    assert.equal(conn.receive(two, 7, 14), 14);
    assert.deepEqual(frames(conn), ["1 10 62"]);
    assert.deepEqual(events, ["ping 61", "ping 62"]);
  });

  it("leave an app's pong made of a ping's own bytes (onPing) whole when the next ping overwrites them: it is copied", function () {
    let sent = false;
    const conn: Connection = new Connection({ role: "server", handler: {
      onPing(data, start, end) { if (!sent) { sent = true; conn.pong(data.subarray(start, end)); } },
    } });
    const ping = (b: number) => Uint8Array.from([0x89, 0x82, 0, 0, 0, 0, b, b]);
    conn.receive(ping(0x61), 0, 8);
    assert.equal(toHex(output(conn, conn.encodeNext())), "8a026161", "the reply first; the app's pong waits");
    conn.receive(ping(0x62), 0, 8);
    assert.deepEqual(frames(conn), ["1 10 6262", "1 10 6161"]);
  });

  it("are answered once, with the newest payload, when a caller hands over a second ping before writing the first", function () {
    const events: string[] = [];
    const conn = recordingConnection({ role: "server" }, events);
    const ping = (b: number) => Uint8Array.from([0x89, 0x81, 0, 0, 0, 0, b]);
    conn.receive(ping(0x61), 0, 7);
    conn.receive(ping(0x62), 0, 7);
    assert.deepEqual(events, ["ping 61", "ping 62"]);
    assert.deepEqual(frames(conn), ["1 10 62"]);
  });
});
