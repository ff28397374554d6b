import assert from "node:assert/strict";
import fc from "fast-check";
import { checkServerAnswer } from "../../firmware/websocket/core/handshake-client.js";
import { checkUpgradeRequest } from "../../firmware/websocket/core/handshake-server.js";
import { HttpHeadReader } from "../../firmware/websocket/core/http-head.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { frameCorpus } from "../corpus/frames.js";
import { feed } from "../support/transcript.js";

const CLOSE_CODES = new Set([1002, 1007, 1009]);

/** Every event line is well-formed, and an error is followed by its close and a stopped receiver. */
function assertSane(events: string[]): void {
  const error = events.find((e) => e.startsWith("error "));
  if (error === undefined) return;
  const [, code, status] = error.split(" ");
  assert.match(code, /^WS_ERR_[A-Z0-9_]+$/);
  assert.ok(CLOSE_CODES.has(Number(status)), error);
  assert.ok(events.some((e) => e.startsWith(`close ${status} `)), "the close follows the error with its code");
  assert.equal(events[events.length - 1], "state 3 failure");
}

describe("Hostile input", function () {
  this.timeout(120_000);
  const roles = [
    { role: "server" as const, maxMessage: 512 },
    { role: "client" as const, maxMessage: 512 },
    { role: "server" as const, streaming: true, inputSize: 64 },
  ];

  it("random bytes, split anywhere, never make a connection throw", function () {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 6 }), fc.nat(2),
      (bytes, cuts, r) => {
        const sorted = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
        assertSane(feed(roles[r], bytes, sorted, true));
      }), { numRuns: 3000, seed: 6455 });
  });

  it("corpus frames with bytes flipped never make a connection throw", function () {
    const corpus = frameCorpus().filter((c) => c.input.length < 4096);
    fc.assert(fc.property(fc.nat(corpus.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      (k, flips) => {
        const c = corpus[k];
        const input = c.input.slice();
        for (const [at, x] of flips) input[at % input.length] ^= x;
        assertSane(feed(c.options, input, [], c.end));
      }), { numRuns: 3000, seed: 17 });
  });

  it("random or mutated HTTP heads never make the handshake parsers throw", function () {
    const good = "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    const base = Uint8Array.from(good, (ch) => ch.charCodeAt(0));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }), fc.boolean(),
      (noise, flips, mutate) => {
        const input = mutate ? base.slice() : noise;
        if (mutate) for (const [at, v] of flips) input[at % input.length] = v;
        const reader = new HttpHeadReader(256);
        const end = reader.feed(input, 0, input.length);
        if (reader.head !== null) {
          checkUpgradeRequest(reader.head);
          checkServerAnswer(reader.head, "dGhlIHNhbXBsZSBub25jZQ==", ["chat"], sha1);
        } else if (end === -2) assert.ok(reader.problem && [400, 431].includes(reader.problem.status));
      }), { numRuns: 3000, seed: 3 });
  });
});
