// The shared frame corpus: input bytes, connection options and the exact events and output
// expected. Node tests assert the expectations; the XS run must reproduce Node's results.

import { ascii, concat, digest, fromHex, maskedFrame, plainFrame, toHex } from "../support/hex.js";
import type { Options } from "../support/transcript.js";

export interface FrameCase {
  name: string;
  options: Options;
  input: Uint8Array;
  expect: string[];
  /** Signal end of stream after the input. */
  end?: boolean;
}

const server: Options = { role: "server", maxMessage: 1024 };
const client = (): Options => ({ role: "client", maxMessage: 1024 }); // feed() supplies a seeded mask source
const streaming: Options = { role: "server", streaming: true, inputSize: 64, maxMessage: 0 };
const KEY = [0x37, 0xfa, 0x21, 0x3d];
const hello = ascii("Hello");
const big = Uint8Array.from({ length: 70000 }, (_, i) => (i * 7) & 0xff);

export function frameCorpus(): FrameCase[] {
  return [
    { name: "RFC 6455 5.7: a single-frame unmasked text message reaches a client", options: client(),
      input: fromHex("810548656c6c6f"), expect: ["message 1 48656c6c6f", "state 1 none"] },
    { name: "RFC 6455 5.7: a single-frame masked text message reaches a server", options: server,
      input: fromHex("818537fa213d7f9f4d5158"), expect: ["message 1 48656c6c6f", "state 1 none"] },
    { name: "RFC 6455 5.7: a fragmented unmasked text message is assembled", options: client(),
      input: fromHex("010348656c80026c6f"), expect: ["message 1 48656c6c6f", "state 1 none"] },
    { name: "RFC 6455 5.7: an unmasked ping is answered by a masked pong with the same payload", options: client(),
      input: fromHex("890548656c6c6f"), expect: ["ping 48656c6c6f", "out 8a85001ce0e748798c8b6f", "state 1 none"] },
    { name: "RFC 6455 5.7: a masked pong reaches a server", options: server,
      input: fromHex("8a8537fa213d7f9f4d5158"), expect: ["pong 48656c6c6f", "state 1 none"] },
    { name: "a 256-byte binary message uses the 16-bit length", options: server,
      input: maskedFrame(0x82, big.subarray(0, 256), KEY), expect: [`message 2 ${digest(big, 0, 256)}`, "state 1 none"] },
    { name: "a 65536-byte binary message uses the 64-bit length", options: { role: "server", maxMessage: 65536 },
      input: maskedFrame(0x82, big.subarray(0, 65536), KEY), expect: [`message 2 ${digest(big, 0, 65536)}`, "state 1 none"] },
    { name: "an empty text message is delivered", options: server,
      input: maskedFrame(0x81, new Uint8Array(0), KEY), expect: ["message 1 ", "state 1 none"] },
    { name: "a ping inside a fragmented message is answered", options: server,
      input: concat(maskedFrame(0x01, ascii("Hel"), KEY), maskedFrame(0x89, ascii("p"), KEY), maskedFrame(0x80, ascii("lo"), KEY)),
      expect: ["ping 70", "message 1 48656c6c6f", "out 8a0170", "state 1 none"] },
    { name: "three pings in one piece get three pongs, in order, each with its own payload", options: server,
      input: concat(maskedFrame(0x89, ascii("a"), KEY), maskedFrame(0x89, ascii("b"), KEY), maskedFrame(0x89, ascii("c"), KEY),
        maskedFrame(0x81, hello, KEY)),
      expect: ["ping 61", "ping 62", "ping 63", "message 1 48656c6c6f", "out 8a0161", "out 8a0162", "out 8a0163", "state 1 none"] },
    { name: "a 4-byte UTF-8 character split across fragments is valid", options: server,
      input: concat(maskedFrame(0x01, fromHex("f0a4"), KEY), maskedFrame(0x80, fromHex("ada2"), KEY)),
      expect: ["message 1 f0a4ada2", "state 1 none"] },
    { name: "a close with code and reason is echoed and reported clean", options: server,
      input: maskedFrame(0x88, concat(fromHex("03e8"), ascii("bye")), KEY),
      expect: ['close 1000 "bye" clean', "out 880203e8", "state 3 remote"] },
    { name: "an empty close is echoed empty and reported as 1005", options: server,
      input: maskedFrame(0x88, new Uint8Array(0), KEY), expect: ['close 1005 "" clean', "out 8800", "state 3 remote"] },
    { name: "data after a close frame is ignored", options: server,
      input: concat(maskedFrame(0x88, fromHex("0bb8"), KEY), maskedFrame(0x81, hello, KEY), fromHex("ffff")),
      expect: ['close 3000 "" clean', "out 88020bb8", "state 3 remote"] },
    { name: "end of stream without a close is 1006", options: server, end: true,
      input: maskedFrame(0x01, hello, KEY), expect: ['close 1006 "" unclean', "state 3 lost"] },
    { name: "streaming mode hands over pieces with their offsets and marks the last one", options: streaming,
      input: concat(maskedFrame(0x01, ascii("Hel"), KEY), maskedFrame(0x80, ascii("lo"), KEY)),
      expect: ["piece 1 @0 48656c", "piece 1 @3 6c6f final", "state 1 none"] },
    { name: "streaming mode ends a message whose last frame is empty with an empty final piece", options: streaming,
      input: concat(maskedFrame(0x02, ascii("ab"), KEY), maskedFrame(0x80, new Uint8Array(0), KEY)),
      expect: ["piece 2 @0 6162", "piece 2 @2  final", "state 1 none"] },
    { name: "streaming mode needs no message buffer: pieces are handed over from the input", options: streaming,
      input: concat(maskedFrame(0x02, big.subarray(0, 40), KEY), maskedFrame(0x80, big.subarray(40, 70), KEY)),
      expect: [`piece 2 @0 ${toHex(big, 0, 40)}`, `piece 2 @40 ${toHex(big, 40, 70)} final`, "state 1 none"] },
    ...failures(),
  ];
}

/** Each violation closes with its code; the close frame carries the problem's message. */
function failures(): FrameCase[] {
  const fail = (name: string, options: Options, input: Uint8Array, code: string, status: number, message: string,
    out = `88${(2 + message.length).toString(16).padStart(2, "0")}${status.toString(16).padStart(4, "0")}${toHex(ascii(message))}`,
  ): FrameCase => ({
    name, options, input,
    expect: [`error ${code} ${status}`, `close ${status} ${JSON.stringify(message)} unclean`, `out ${out}`, "state 3 failure"],
  });
  return [
    fail("RSV1 without an extension is 1002", server, maskedFrame(0xc1, hello, KEY),
      "WS_ERR_UNEXPECTED_RSV", 1002, "RSV bits set without a negotiated extension"),
    fail("a reserved data opcode is 1002", server, maskedFrame(0x83, hello, KEY), "WS_ERR_INVALID_OPCODE", 1002, "reserved opcode"),
    fail("a reserved control opcode is 1002", server, maskedFrame(0x8b, hello, KEY), "WS_ERR_INVALID_OPCODE", 1002, "reserved opcode"),
    fail("a ping over 125 bytes is 1002", server, maskedFrame(0x89, big.subarray(0, 126), KEY),
      "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH", 1002, "control frame payload over 125 bytes"),
    fail("a ping of 5 bytes whose length uses the 16-bit form is 1002, as in ws", server,
      concat(fromHex("89fe0005"), maskedFrame(0x89, hello, KEY).subarray(2)),
      "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH", 1002, "control frame payload over 125 bytes"),
    fail("a fragmented ping is 1002", server, maskedFrame(0x09, hello, KEY), "WS_ERR_EXPECTED_FIN", 1002, "fragmented control frame"),
    fail("an unmasked frame to a server is 1002", server, plainFrame(0x81, hello),
      "WS_ERR_EXPECTED_MASK", 1002, "unmasked frame from a client"),
    fail("a masked frame to a client is 1002", client(), maskedFrame(0x81, hello, KEY),
      "WS_ERR_UNEXPECTED_MASK", 1002, "masked frame from a server",
      // the client's close is masked with the first key of the seeded source: 00 1c e0 e7
      "889c001ce0e703f68d8673778583207a92866d79c08172738dc7613c9382726a8595"),
    fail("a 64-bit length with the top bit set is 1002", server, fromHex("82ff800000000000000137fa213d"),
      "WS_ERR_INVALID_LENGTH", 1002, "64-bit length with its most significant bit set"),
    fail("a continuation without a message is 1002", server, maskedFrame(0x80, hello, KEY),
      "WS_ERR_INVALID_CONTINUATION", 1002, "continuation frame without a message"),
    fail("a new text frame inside a fragmented message is 1002", server,
      concat(maskedFrame(0x01, hello, KEY), maskedFrame(0x81, hello, KEY)),
      "WS_ERR_EXPECTED_CONTINUATION", 1002, "new data frame inside a fragmented message"),
    fail("a message over the limit is 1009 before its payload arrives", server, fromHex("82fe040137fa213d"),
      "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", 1009, "message over the configured limit"),
    fail("fragments adding up past the limit are 1009", server,
      concat(maskedFrame(0x02, big.subarray(0, 1000), KEY), maskedFrame(0x80, big.subarray(0, 25), KEY)),
      "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", 1009, "message over the configured limit"),
    fail("invalid UTF-8 fails at the bad byte, before the frame ends", server,
      maskedFrame(0x81, fromHex("cebae1bdb9cf83cebcceb5eda080656469746564"), KEY).subarray(0, 20),
      "WS_ERR_INVALID_UTF8", 1007, "invalid UTF-8 in a text message"),
    fail("a text message ending inside a character is 1007", server, maskedFrame(0x81, fromHex("48e282"), KEY),
      "WS_ERR_INVALID_UTF8", 1007, "invalid UTF-8 in a text message"),
    fail("streaming mode checks UTF-8 before handing over a piece", { role: "server", streaming: true },
      maskedFrame(0x81, fromHex("c0af41"), KEY), "WS_ERR_INVALID_UTF8", 1007, "invalid UTF-8 in a text message"),
    fail("streaming mode enforces a configured message limit", { role: "server", streaming: true, maxMessage: 4 },
      maskedFrame(0x82, ascii("abcde"), KEY), "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", 1009, "message over the configured limit"),
    fail("a close with a 1-byte payload is 1002", server, maskedFrame(0x88, fromHex("03"), KEY),
      "WS_ERR_INVALID_CLOSE_PAYLOAD", 1002, "close frame with a 1-byte payload"),
    fail("close code 1005 on the wire is 1002", server, maskedFrame(0x88, fromHex("03ed"), KEY),
      "WS_ERR_INVALID_CLOSE_CODE", 1002, "close code not allowed on the wire"),
    fail("close code 999 is 1002", server, maskedFrame(0x88, fromHex("03e7"), KEY),
      "WS_ERR_INVALID_CLOSE_CODE", 1002, "close code not allowed on the wire"),
    fail("close code 5000 is 1002", server, maskedFrame(0x88, fromHex("1388"), KEY),
      "WS_ERR_INVALID_CLOSE_CODE", 1002, "close code not allowed on the wire"),
    fail("a close reason that is not UTF-8 is 1007", server, maskedFrame(0x88, fromHex("03e8ff"), KEY),
      "WS_ERR_INVALID_UTF8", 1007, "close reason is not valid UTF-8"),
  ];
}
