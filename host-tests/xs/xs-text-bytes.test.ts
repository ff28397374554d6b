import assert from "node:assert/strict";
import { DIRECT_SIZES, DIRECT_TEXTS, type DirectEchoResult } from "../../fixtures/direct-echo.js";
import { runTextBytesCases, type TextBytesReport } from "../../fixtures/text-bytes-cases.js";
import { utf8EncodeScript } from "../../firmware/websocket/core/utf8.js";
import { resultOf, runUnderXs, XS_KILL_MARGIN_MS } from "../../fixtures/xs/xs-host.js";

interface Result { cases: TextBytesReport; echo: DirectEchoResult; intoCalls: number; frames: { lengths: number[]; whole: boolean[] } }

describe("The firmware's text natives (native/text-bytes.c)", function () {
  this.timeout(60_000 + XS_KILL_MARGIN_MS);
  let result: Result;

  before(async function () {
    result = resultOf(await runUnderXs("build/host-tests/xs/text-bytes-entry.js", { engine: "device", timeoutMs: 60_000 })) as Result;
  });

  it("give each string's size, -1 for U+0000 and lone surrogates, and copy its bytes cut only where a character ends (device engine)", function () {
    assert.deepEqual(result.cases.failures, []);
    assert.ok(result.cases.copies > 5000, `${result.cases.copies} copies compared`);
  });

  it("carry every text a client and a server send, queued and fragmented, U+0000 by the general path (device engine)", function () {
    const r = result.echo;
    assert.deepEqual(r.texts, DIRECT_TEXTS.map(() => true), "every text echoed as text, the same string");
    assert.deepEqual(r.echoed, DIRECT_SIZES.map(() => true), "binary as before");
    assert.equal(r.invalidData, "WS_ERR_INVALID_DATA", "send(undefined) said so");
    assert.equal(r.openAtEnd, 0, "every socket and listener closed");
    // both ends' frames: 16,000 characters of up to 4 bytes go in 1,460-byte frames, each copied by one call
    assert.ok(result.intoCalls > 100, `${result.intoCalls} copies by the natives`);
  });

  it("cut a string's 16 KiB direct frames where a character ends, each frame UTF-8 alone (device engine)", function () {
    const { lengths, whole } = result.frames;
    assert.equal(lengths.reduce((a, b) => a + b, 0), 40002);
    // 11 writes of 1,460 bytes hold 16,056 payload bytes; the 16,057th is inside a euro sign that starts at 16,055
    assert.equal(lengths[0], 16055);
    assert.equal(lengths.length, 3);
    assert.deepEqual(whole, [true, true, true]);
  });

  it("are held to what the script encoder gives: a copy that cuts a character fails the cases (Node)", function () {
    const size = (s: string) => (typeof s === "string" && !/\0|[\ud800-\udfff]/u.test(s) ? utf8EncodeScript(s).length : -1);
    const cutting = runTextBytesCases({
      size,
      into(s, from, to, dst, at, end) {
        if (typeof s !== "string") throw new RangeError("no string");
        const bytes = utf8EncodeScript(s).subarray(from, to);
        const n = Math.min(bytes.length, end - at); // cuts anywhere: wrong
        dst.set(bytes.subarray(0, n), at);
        return n;
      },
    });
    assert.ok(cutting.failures.some((f) => f.startsWith("into")), cutting.failures.slice(0, 2).join("; "));
  });
});
