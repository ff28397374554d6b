// A fast-check arbitrary for HTTP message heads as handshakes see them: requests and answers built
// from good and bad start lines and header fields, repeated, reordered and damaged, and plain noise.

import fc from "fast-check";
import { acceptFor } from "../../firmware/websocket/core/accept.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

const startLine = fc.constantFrom("GET /chat HTTP/1.1", "GET / HTTP/1.0", "POST /chat HTTP/1.1", "GET  HTTP/1.1",
  "get /chat HTTP/1.1", "GET /chat?x=1 HTTP/2.0", "HTTP/1.1 101 Switching Protocols", "HTTP/1.1 101",
  "HTTP/1.1 401 Unauthorized", "HTTP/1.1 500 Internal Server Error", "HTTP/1.0 101 OK", "HTTP/1.1 1011 x", "");

const field = fc.oneof(
  fc.constantFrom(["Host", "h"], ["Host", ""], ["Upgrade", "websocket"], ["Upgrade", "WebSocket, h2c"], ["Upgrade", "h2c"],
    ["Connection", "Upgrade"], ["Connection", "keep-alive, upgrade"], ["Connection", "close"],
    ["Sec-WebSocket-Key", KEY], ["Sec-WebSocket-Key", "short=="], ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ"],
    ["Sec-WebSocket-Version", "13"], ["Sec-WebSocket-Version", "8"], ["Sec-WebSocket-Version", "13, 8"],
    ["Sec-WebSocket-Protocol", "chat"], ["Sec-WebSocket-Protocol", "chat, superchat"], ["Sec-WebSocket-Protocol", "a b"],
    ["Sec-WebSocket-Accept", acceptFor(KEY, sha1)], ["Sec-WebSocket-Accept", "x"], ["Sec-WebSocket-Extensions", "permessage-deflate"],
    ["Origin", "http://localhost"], ["Content-Length", "5"], ["X", " spaced \t"], ["", "no name"], ["Bad Name", "v"]),
  fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })),
);

const REQUEST: [string, [string, string][]] = ["GET /chat HTTP/1.1", [["Host", "h"], ["Upgrade", "websocket"],
  ["Connection", "Upgrade"], ["Sec-WebSocket-Key", KEY], ["Sec-WebSocket-Version", "13"], ["Sec-WebSocket-Protocol", "chat"]]];
const ANSWER: [string, [string, string][]] = ["HTTP/1.1 101 Switching Protocols", [["Upgrade", "websocket"],
  ["Connection", "Upgrade"], ["Sec-WebSocket-Accept", acceptFor(KEY, sha1)], ["Sec-WebSocket-Protocol", "chat"]]];

/** Usually nothing, sometimes something: how often a good head is made bad in each way. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, none: T) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(none) }, { weight: 1, arbitrary });

/** Heads as bytes: a good request or answer with fields dropped, added, repeated or damaged, or noise. */
export const httpHead: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    base: fc.constantFrom(REQUEST, ANSWER),
    line: rarely(startLine, null),
    drop: rarely(fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), []),
    extra: rarely(fc.array(fc.tuple(field, fc.nat()), { minLength: 1, maxLength: 3 }), []),
    edits: rarely(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 2 }), []),
    ending: rarely(fc.constantFrom("\n", "\r\n "), "\r\n"),
  }).map(({ base, line, drop, extra, edits, ending }) => {
    const fields: (readonly [string, string])[] = base[1].filter((_, i) => !drop.some((d) => d % base[1].length === i));
    for (const [f, at] of extra) fields.splice(at % (fields.length + 1), 0, f);
    const text = [line ?? base[0], ...fields.map(([k, v]) => `${k}: ${v}`)].join(ending) + "\r\n\r\n";
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    for (const [at, value] of edits) bytes[at % bytes.length] = value;
    return bytes;
  }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
);
