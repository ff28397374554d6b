// Fuzz targets for the frame decoder: structured frame streams compared event by event with `ws`,
// random bytes split anywhere, and corpus frames with bytes flipped. Each checks that nothing throws
// and that every rejection carries a string code and the close code it must send.

import assert from "node:assert/strict";
import fc from "fast-check";
import { frameCorpus } from "../../fixtures/corpus/frames.js";
import { feed, type Options } from "../../fixtures/transcript.js";
import { frameStream, type Role } from "./frame-sequences.js";
import type { FuzzTarget } from "./fuzz-target.js";
import { comparableEvents, wsEvents } from "./ws-oracle.js";

const CLOSE_CODES = new Set([1002, 1007, 1009]);

/** Every event line is well-formed, and an error is followed by its close and a stopped receiver. */
export function assertSane(events: string[]): void {
  const error = events.find((e) => e.startsWith("error "));
  if (error === undefined) return;
  const [, code, status] = error.split(" ");
  assert.match(code, /^WS_ERR_[A-Z0-9_]+$/);
  assert.ok(CLOSE_CODES.has(Number(status)), error);
  assert.ok(events.some((e) => e.startsWith(`close ${status} `)), "the close follows the error with its code");
  assert.equal(events[events.length - 1], "state 3 failure");
}

const MAX_MESSAGE = 512;
const roles: Options[] = [
  { role: "server", maxMessage: 512 },
  { role: "client", maxMessage: 512 },
  { role: "server", streaming: true, inputSize: 64 },
];

/**
 * `viaInput`: read as a transport reads, into a 64-byte input area, so that a server unmasks each
 * payload where it lies in a read with a native-style mask (as native/mask.c).
 */
function agreesWithWs(role: Role, viaInput = false) {
  return fc.property(frameStream(role), ({ bytes, cuts }) => {
    const ours = viaInput ? feed({ role, maxMessage: MAX_MESSAGE, inputSize: 64 }, bytes, cuts, false, true)
      : feed({ role, maxMessage: MAX_MESSAGE }, bytes, cuts);
    assertSane(ours);
    const mine = comparableEvents(ours);
    const theirs = wsEvents(role, MAX_MESSAGE, bytes, cuts);
    if (mine[mine.length - 1] === "error 1007" && theirs[mine.length - 1] !== "error 1007") {
      // we fail at the first invalid byte, ws when the message ends: same events before, and ws too
      // never delivers the message (it reports 1007 later, or another error, or the input ends first)
      assert.deepEqual(theirs.slice(0, mine.length - 1), mine.slice(0, -1));
      assert.ok(!theirs.slice(mine.length - 1).some((e) => e.startsWith("message ")), theirs.join("\n"));
    } else assert.deepEqual(mine, theirs);
  });
}

export const frameTargets: FuzzTarget[] = [
  { name: "frame streams to a server agree with ws", runs: 3000, property: () => agreesWithWs("server") },
  { name: "frame streams to a client agree with ws", runs: 3000, property: () => agreesWithWs("client") },
  {
    name: "frame streams to a server read through its input area, unmasked by the native mask, agree with ws", runs: 3000,
    property: () => agreesWithWs("server", true),
  },
  {
    name: "random bytes split anywhere never make a connection throw", runs: 3000,
    property: () => fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 6 }), fc.nat(2),
      (bytes, cuts, r) => {
        const sorted = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
        assertSane(feed(roles[r], bytes, sorted, true));
      }),
  },
  {
    name: "corpus frames with bytes flipped never make a connection throw", runs: 3000,
    property: () => {
      const corpus = frameCorpus().filter((c) => c.input.length < 4096);
      return fc.property(fc.nat(corpus.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (k, flips) => {
          const c = corpus[k];
          const input = c.input.slice();
          for (const [at, x] of flips) input[at % input.length] ^= x;
          assertSane(feed(c.options, input, [], c.end));
        });
    },
  },
];
