// The receiver's own job (core/receiver.ts): bytes split anywhere become the same messages, the frame
// and message rules are enforced with their codes, control frames may come between fragments, the
// limits hold, and receive() returns early after a ping whose pong must go out first. It runs inside
// a Connection, its only subclass; the frames are written out in hex as the peer would send them.

import assert from "node:assert/strict";
import { Connection } from "../../firmware/websocket/core/connection.js";
import { runCase } from "../../fixtures/corpus/run-corpus.js";
import { ascii, concat, fromHex, maskedFrame, plainFrame, toHex } from "../../fixtures/hex.js";
import { drain, feed, type Options, recordingConnection } from "../../fixtures/transcript.js";

const server: Options = { role: "server", maxMessage: 1024 };
const KEY = [0x37, 0xfa, 0x21, 0x3d];
/** A client's frame to the server: masked with KEY. */
const masked = (b0: number, text: string) => maskedFrame(b0, ascii(text), KEY);

/** The events of `input` fed whole, after checking that every split, byte-at-a-time feeding and the input area agree. */
function atEverySplit(options: Options, input: Uint8Array): string[] {
  const r = runCase({ name: "", options, input, expect: [] });
  assert.deepEqual(r.disagreeingSplits, [], "a split at these offsets changed the events");
  assert.ok(r.bytewiseAgrees, "byte-at-a-time feeding changed the events");
  assert.ok(r.randomAgrees, "random chunking changed the events");
  assert.ok(r.inputAreaAgrees, "reading through the input area changed the events");
  return r.events;
}

/** What a failure reports: its code and close code, then the close frame carrying both (server side, unmasked). */
function failure(code: string, status: number, message: string): string[] {
  const payload = toHex(concat(Uint8Array.from([status >> 8, status & 0xff]), ascii(message)));
  return [`error ${code} ${status}`, `close ${status} ${JSON.stringify(message)} unclean`,
    `out 88${(payload.length / 2).toString(16).padStart(2, "0")}${payload}`, "state 3 failure"];
}

describe("The receiver, with bytes split anywhere", function () {
  it("delivers small whole frames in one piece (its fast path) exactly as byte by byte (its general path)", function () {
    const input = concat(masked(0x81, "a"), masked(0x81, "bc"), masked(0x81, ""), maskedFrame(0x82, Uint8Array.from([0, 255]), KEY));
    assert.deepEqual(atEverySplit(server, input), ["message 1 61", "message 1 6263", "message 1 ", "message 2 00ff", "state 1 none"]);
  });

  it("goes back to the fast path after a fragmented message ends, with the same events at every split", function () {
    const input = concat(masked(0x01, "ab"), masked(0x80, "cd"), masked(0x81, "e"), masked(0x82, "f"));
    assert.deepEqual(atEverySplit(server, input), ["message 1 61626364", "message 1 65", "message 2 66", "state 1 none"]);
  });

  it("takes 125-byte payloads in the 7-bit form and 126 bytes in the 16-bit form alike", function () {
    const events = atEverySplit(server, concat(masked(0x82, "x".repeat(125)), masked(0x82, "y".repeat(126))));
    // long payloads show as their length and a hash
    assert.deepEqual(events.map((e) => e.replace(/:[0-9a-f]+$/, "")), ["message 2 #125", "message 2 #126", "state 1 none"]);
  });

  it("in streaming mode hands over pieces that follow the splits and add up to the message", function () {
    const input = concat(masked(0x01, "abc"), masked(0x80, "de"));
    assert.deepEqual(feed({ role: "server", streaming: true, maxMessage: 0 }, input, [8]),
      ["piece 1 @0 6162", "piece 1 @2 63", "piece 1 @3 6465 final", "state 1 none"]);
  });
});

describe("The receiver's continuation rules", function () {
  it("assembles a text frame and its continuations into one message, checking UTF-8 across them", function () {
    // é (c3 a9) cut between the first and second frame
    const input = concat(maskedFrame(0x01, fromHex("41c3"), KEY), maskedFrame(0x00, fromHex("a9"), KEY), maskedFrame(0x80, fromHex("42"), KEY));
    assert.deepEqual(atEverySplit(server, input), ["message 1 41c3a942", "state 1 none"]);
  });

  it("refuses a continuation when no message is open: WS_ERR_INVALID_CONTINUATION, 1002", function () {
    assert.deepEqual(atEverySplit(server, concat(masked(0x80, "x"), masked(0x81, "never"))),
      failure("WS_ERR_INVALID_CONTINUATION", 1002, "continuation frame without a message"));
  });

  it("refuses a new text or binary frame inside a fragmented message: WS_ERR_EXPECTED_CONTINUATION, 1002", function () {
    for (const b0 of [0x01, 0x81, 0x02, 0x82]) {
      assert.deepEqual(atEverySplit(server, concat(masked(0x02, "a"), masked(b0, "b"))),
        failure("WS_ERR_EXPECTED_CONTINUATION", 1002, "new data frame inside a fragmented message"), `opcode byte ${b0}`);
    }
  });

  it("refuses a text message that ends inside a character: WS_ERR_INVALID_UTF8, 1007", function () {
    assert.deepEqual(atEverySplit(server, concat(maskedFrame(0x01, fromHex("41c3"), KEY), maskedFrame(0x80, fromHex(""), KEY))),
      failure("WS_ERR_INVALID_UTF8", 1007, "invalid UTF-8 in a text message"));
  });
});

describe("The receiver's header checks", function () {
  const rules: [string, Options, Uint8Array, string, number, string][] = [
    ["RSV1", server, masked(0xc1, "a"), "WS_ERR_UNEXPECTED_RSV", 1002, "RSV bits set without a negotiated extension"],
    ["RSV2", server, masked(0xa1, "a"), "WS_ERR_UNEXPECTED_RSV", 1002, "RSV bits set without a negotiated extension"],
    ["RSV3 on a continuation", server, concat(masked(0x01, "a"), masked(0x90, "b")), "WS_ERR_UNEXPECTED_RSV", 1002,
      "RSV bits set without a negotiated extension"],
    ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((op): [string, Options, Uint8Array, string, number, string] =>
      [`opcode ${op}`, server, masked(0x80 | op, "a"), "WS_ERR_INVALID_OPCODE", 1002, "reserved opcode"]),
    ...[8, 9, 10].map((op): [string, Options, Uint8Array, string, number, string] =>
      [`control opcode ${op} without FIN`, server, masked(op, ""), "WS_ERR_EXPECTED_FIN", 1002, "fragmented control frame"]),
    ["a 126-byte ping", server, masked(0x89, "p".repeat(126)), "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH", 1002,
      "control frame payload over 125 bytes"],
    ["an unmasked frame to a server", server, plainFrame(0x81, ascii("a")), "WS_ERR_EXPECTED_MASK", 1002, "unmasked frame from a client"],
    ["a 64-bit length with its top bit set", server, fromHex("82ff8000000000000001 37fa213d 00"), "WS_ERR_INVALID_LENGTH", 1002,
      "64-bit length with its most significant bit set"],
  ];
  for (const [what, options, input, code, status, message] of rules) {
    it(`refuses ${what} with ${code} and close code ${status}, at every split`, function () {
      assert.deepEqual(atEverySplit(options, input), failure(code, status, message));
    });
  }

  it("refuses a masked frame to a client with WS_ERR_UNEXPECTED_MASK and close code 1002", function () {
    const events = feed({ role: "client", maxMessage: 1024 }, masked(0x81, "a"), [1]);
    assert.deepEqual(events.filter((e) => !e.startsWith("out")),
      ["error WS_ERR_UNEXPECTED_MASK 1002", 'close 1002 "masked frame from a server" unclean', "state 3 failure"]);
  });

  it("reads nothing after a refused frame: a good frame behind it is never delivered", function () {
    const events = feed(server, concat(masked(0x83, "bad"), masked(0x81, "good")), []);
    assert.equal(events.filter((e) => e.startsWith("message")).length, 0);
    assert.equal(events[0], "error WS_ERR_INVALID_OPCODE 1002");
  });
});

describe("Control frames between the fragments of a message", function () {
  it("answers a ping between fragments and still assembles the message", function () {
    const input = concat(masked(0x01, "ab"), masked(0x89, "p"), masked(0x80, "c"));
    assert.deepEqual(atEverySplit(server, input), ["ping 70", "message 1 616263", "out 8a0170", "state 1 none"]);
  });

  it("reports a pong between fragments and still assembles the message", function () {
    const input = concat(masked(0x02, "ab"), masked(0x8a, "q"), masked(0x80, "c"));
    assert.deepEqual(atEverySplit(server, input), ["pong 71", "message 2 616263", "state 1 none"]);
  });

  it("ends the connection on a close between fragments: the open message is never delivered", function () {
    const input = concat(masked(0x01, "ab"), maskedFrame(0x88, fromHex("03e8"), KEY), masked(0x80, "c"));
    assert.deepEqual(atEverySplit(server, input), ['close 1000 "" clean', "out 880203e8", "state 3 remote"]);
  });
});

describe("The receiver's limits", function () {
  const limited: Options = { role: "server", maxMessage: 10 };

  it("delivers a message of exactly maxMessage bytes and refuses one byte more with 1009", function () {
    assert.deepEqual(atEverySplit(limited, masked(0x82, "0123456789")), ["message 2 30313233343536373839", "state 1 none"]);
    assert.deepEqual(atEverySplit(limited, masked(0x82, "0123456789a")),
      failure("WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", 1009, "message over the configured limit"));
  });

  it("refuses a message over maxMessage as soon as its header arrives, before any payload", function () {
    assert.deepEqual(feed(limited, masked(0x82, "0123456789a").subarray(0, 6), []),
      failure("WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", 1009, "message over the configured limit"));
  });

  it("refuses fragments that add up past maxMessage with 1009", function () {
    assert.deepEqual(atEverySplit(limited, concat(masked(0x01, "012345"), masked(0x80, "6789a"))),
      failure("WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", 1009, "message over the configured limit"));
  });

  it("accepts a message in maxFragments frames and refuses one more frame with WS_ERR_TOO_MANY_FRAGMENTS, 1008", function () {
    const frames = (n: number) => concat(masked(0x01, "a"), ...Array.from({ length: n - 2 }, () => masked(0x00, "b")), masked(0x80, "c"));
    const three: Options = { ...server, maxFragments: 3 };
    assert.deepEqual(atEverySplit(three, frames(3)), ["message 1 616263", "state 1 none"]);
    assert.deepEqual(atEverySplit(three, frames(4)),
      failure("WS_ERR_TOO_MANY_FRAGMENTS", 1008, "message in more fragments than the configured limit"));
  });

  it("counts fragments per message: the count starts again with each message", function () {
    const message = concat(masked(0x01, "a"), masked(0x00, "b"), masked(0x80, "c"));
    assert.deepEqual(feed({ ...server, maxFragments: 3 }, concat(message, message, message), []),
      ["message 1 616263", "message 1 616263", "message 1 616263", "state 1 none"]);
  });

  it("takes any number of fragments with maxFragments 0, and refuses the 4,097th frame by default", function () {
    const frames = (n: number) => concat(masked(0x01, "a"), ...Array.from({ length: n - 2 }, () => masked(0x00, "")), masked(0x80, "z"));
    assert.deepEqual(feed({ ...server, maxFragments: 0 }, frames(5000), []), ["message 1 617a", "state 1 none"]);
    assert.deepEqual(feed(server, frames(4096), []), ["message 1 617a", "state 1 none"]);
    assert.equal(feed(server, frames(4097), [])[0], "error WS_ERR_TOO_MANY_FRAGMENTS 1008");
  });
});

describe("receive() after a ping", function () {
  const ping = masked(0x89, "p");
  const text = masked(0x81, "hi");

  it("returns the index just after the ping, so that its pong is written before the rest is read", function () {
    const events: string[] = [];
    const conn = recordingConnection(server, events);
    const input = concat(text, ping, text);
    const stop = conn.receive(input, 0, input.length);
    assert.equal(stop, text.length + ping.length);
    assert.deepEqual(events, ["message 1 6869", "ping 70"]);
    drain(conn, events);
    assert.equal(events[2], "out 8a0170", "the pong is what waits");
    assert.equal(conn.receive(input, stop, input.length), input.length);
    assert.deepEqual(events.slice(3), ["message 1 6869"]);
  });

  it("returns the end when the ping is the last frame of the piece", function () {
    const conn = recordingConnection(server, []);
    const input = concat(text, ping);
    assert.equal(conn.receive(input, 0, input.length), input.length);
    assert.equal(conn.pongWaiting, true);
  });

  it("does not stop after a ping once we are closing: no pong is owed then", function () {
    const events: string[] = [];
    const conn = recordingConnection(server, events);
    conn.close(1000);
    drain(conn, []);
    const input = concat(ping, text);
    assert.equal(conn.receive(input, 0, input.length), input.length);
    assert.equal(conn.pongWaiting, false);
    assert.deepEqual(events, ["ping 70", "message 1 6869"]);
  });

  // the ping's payload waits for its pong where the receiver gathered it (the control area): what
  // would be written there next is not read, however a caller hands it over, until the pong is out
  for (const [what, next] of [["a pong", masked(0x8a, "q")], ["a close", masked(0x88, "\x03\xe8")],
    ["a split header", masked(0x82, "x").subarray(0, 1)]] as const) {
    it(`leaves ${what} handed over while the pong waits unread, and the pong carries the ping's payload`, function () {
      const events: string[] = [];
      const conn = recordingConnection(server, events);
      const input = concat(ping, next);
      assert.equal(conn.receive(input, 0, input.length), ping.length);
      assert.equal(conn.receive(input, ping.length, input.length), ping.length, "nothing read while the pong waits");
      assert.deepEqual(events, ["ping 70"]);
      drain(conn, events);
      assert.deepEqual(events.slice(1), ["out 8a0170"]);
      assert.equal(conn.receive(input, ping.length, input.length), input.length);
    });
  }

  it("lets a newer ping handed over while a pong waits take its place: no pong goes out with a half-gathered payload", function () {
    const events: string[] = [];
    const conn = recordingConnection(server, events);
    conn.receive(ping.slice(), 0, ping.length); // a copy: receive() unmasks in place
    const long = masked(0x89, "hello");
    assert.equal(conn.receive(long, 0, 8), 8); // its header and two of its five payload bytes
    assert.equal(conn.pongWaiting, false, "the waiting pong gave way to the newer ping");
    drain(conn, events);
    conn.receive(long, 8, long.length);
    drain(conn, events);
    assert.deepEqual(events, ["ping 70", "ping 68656c6c6f", "out 8a0568656c6c6f"]);
  });

  it("keeps the waiting pong when the ping after it breaks the protocol: the pong goes out before the close", function () {
    const events: string[] = [];
    const conn = recordingConnection(server, events);
    conn.receive(ping.slice(), 0, ping.length); // a copy: receive() unmasks in place
    const unmasked = plainFrame(0x89, ascii("q")); // a server expects masked frames: 1002
    conn.receive(unmasked, 0, unmasked.length);
    drain(conn, events);
    assert.deepEqual(events.slice(0, 2), ["ping 70", "error WS_ERR_EXPECTED_MASK 1002"]);
    assert.equal(events.filter((e) => e.startsWith("out "))[0], "out 8a0170");
    assert.ok(events.filter((e) => e.startsWith("out "))[1].startsWith("out 881e03ea"), events.join(", ")); // close 1002 (03ea) after the pong
  });

  it("sends an app's pong after a waiting ping's reply, and leaves a ping half gathered meanwhile whole", function () {
    const events: string[] = [];
    const conn = recordingConnection(server, events);
    conn.receive(ping.slice(), 0, ping.length); // a copy: receive() unmasks in place
    conn.pong(Uint8Array.from([1, 2]));
    drain(conn, events);
    assert.deepEqual(events, ["ping 70", "out 8a0170", "out 8a020102"]);
    const long = masked(0x89, "hello");
    conn.receive(long, 0, 8); // its header and two of its five payload bytes, gathered in the control area
    conn.pong(Uint8Array.from([3]));
    drain(conn, events);
    conn.receive(long, 8, long.length);
    drain(conn, events);
    assert.deepEqual(events.slice(3), ["out 8a0103", "ping 68656c6c6f", "out 8a0568656c6c6f"]);
  });

  it("returns after an unmasked ping to a client too, whose pong goes out masked", function () {
    const conn = new Connection({ role: "client", random: () => 0x01020304, handler: {} });
    const input = concat(plainFrame(0x89, ascii("p")), plainFrame(0x81, ascii("x")));
    assert.equal(conn.receive(input, 0, input.length), 3);
    assert.equal(toHex(conn.memory, conn.outputStart, conn.outputStart + conn.encodeNext()), "8a810102030471");
  });
});
