// Under XS (device engine): the firmware's text natives, linked into this engine as a board links
// them, against the script encoder (fixtures/text-bytes-cases.ts); then the direct-payload echo
// with them in the platform, so every string goes out copied by them (fixtures/direct-echo.ts).
import { runDirectEcho } from "../../fixtures/direct-echo.js";
import { runTextBytesCases } from "../../fixtures/text-bytes-cases.js";
import { Connection } from "../../firmware/websocket/core/connection.js";
import { UTF8_ACCEPT, utf8Validate } from "../../firmware/websocket/core/utf8.js";
import type { Copy, Mask, TextBytes } from "../../firmware/websocket/platform.js";

const natives = globalThis as unknown as { wsTextSize: TextBytes["size"]; wsTextInto: TextBytes["into"]; wsMask: Mask; wsCopy: Copy };
const text: TextBytes = { size: natives.wsTextSize, into: natives.wsTextInto };
let intoCalls = 0;
const counted: TextBytes = { size: text.size, into(...args) { intoCalls++; return text.into(...args); } };
const cases = runTextBytesCases(text);
const echo = runDirectEcho({ mask: natives.wsMask, copy: natives.wsCopy, text: counted });

/** A server sends a 40,002-byte string in direct frames: their payloads' lengths, and whether each alone is UTF-8. */
function directFrames(): { lengths: number[]; whole: boolean[] } {
  const conn = new Connection({ role: "server", handler: {}, text, copy: natives.wsCopy, directFrom: 126 });
  conn.send("xy" + "a\u00e4\u20ac\u{1f600}".repeat(4000));
  const wire: number[] = [];
  for (let n = conn.encodeNext(5744), guard = 0; n !== 0 && guard < 100; n = conn.encodeNext(5744), guard++) {
    for (let i = 0; i < n; i++) wire.push(conn.memory[conn.outputStart + i]);
  }
  const lengths: number[] = [];
  const whole: boolean[] = [];
  for (let at = 0; at < wire.length;) {
    const length = (wire[at + 2] << 8) | wire[at + 3]; // 16-bit lengths: no frame reaches 64 KiB
    const payload = Uint8Array.from(wire.slice(at + 4, at + 4 + length));
    lengths.push(length);
    whole.push(utf8Validate(UTF8_ACCEPT, payload, 0, length, null) === UTF8_ACCEPT);
    at += 4 + length;
  }
  return { lengths, whole };
}

print("RESULT " + JSON.stringify({ cases, echo, intoCalls, frames: directFrames() }));
