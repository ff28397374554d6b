// The server's native unmasking, as on a board: the logical module's xor (devicePlatform.xor, the C
// function itself) must unmask each data frame's payload in a read, or each read inside a large
// frame's body, in one call on the view of the input area the read filled, over `count` bytes from
// its start (receiver.js moves the payload there). Traces one "native xor:" line with what ran;
// returns the names of the checks that failed.

import { Connection } from "../websocket/core/connection.js";
import { devicePlatform } from "../websocket/platform-device.js";
import type { Xor } from "../websocket/platform.js";
import { concat, maskedFrame } from "../../fixtures/hex.js";

declare function trace(text: string): void;

/** What one TCP segment carries, as the device reads it. */
const READ = 1460;

/** A payload no key or phase mistake can leave intact. */
function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 8) + seed) & 0xff);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The native on a view at an odd offset changes the first `count` bytes of that view only, with the key from its first byte. */
function offsetViewXorred(xor: Xor): boolean {
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => i);
  const key = Uint8Array.of(0x11, 0x22, 0x44, 0x88);
  xor(bytes.subarray(3, 12), key, 7);
  return bytes.every((b, i) => b === (i >= 3 && i < 10 ? i ^ key[(i - 3) & 3] : i));
}

interface Stream { bytes: Uint8Array; bodies: [number, number][] }

/** Frames one after another; `bodies` holds where each data frame's payload lies in the stream. */
function stream(frames: { b0: number; payload: Uint8Array; key: number[] }[]): Stream {
  const parts: Uint8Array[] = [];
  const bodies: [number, number][] = [];
  let at = 0;
  for (const f of frames) {
    const frame = maskedFrame(f.b0, f.payload, f.key);
    bodies.push([at + frame.length - f.payload.length, at + frame.length]);
    parts.push(frame);
    at += frame.length;
  }
  return { bytes: concat(...parts), bodies };
}

export function nativeXorChecks(): string[] {
  const failures: string[] = [];
  const check = (name: string, ok: boolean) => ok || failures.push(`native xor: ${name}`);
  const logicalXor = devicePlatform.xor;
  if (logicalXor === undefined) return ["native xor: devicePlatform has none"];
  check("an offset view is xorred alone, over its count", offsetViewXorred(logicalXor));

  // "abc" first so that the big frame's body starts at a key phase of 3, then 8 KiB in one frame,
  // then 6,000 bytes in two fragments under another key
  const big = pattern(8192, 0);
  const first = pattern(3001, 5);
  const rest = pattern(2999, 9);
  const input = stream([
    { b0: 0x81, payload: Uint8Array.of(0x61, 0x62, 0x63), key: [0x37, 0xfa, 0x21, 0x3d] },
    { b0: 0x82, payload: big, key: [0xa5, 0x5a, 0x0f, 0xf0] },
    { b0: 0x02, payload: first, key: [1, 2, 3, 4] },
    { b0: 0x80, payload: rest, key: [0xde, 0xad, 0xbe, 0xef] },
  ]);

  let view: Uint8Array | undefined;
  let calls = 0;
  let strangers = 0; // calls on anything but the read's own view
  const got: string[] = [];
  const messages: Uint8Array[] = [];
  const server = new Connection({
    role: "server", maxMessage: 8192, inputSize: READ,
    xor(dst, src, count) {
      calls++;
      if (dst !== view) strangers++;
      // the native counts its arguments: an undefined third one is a count of 0, a RangeError
      if (count === undefined) logicalXor(dst, src);
      else logicalXor(dst, src, count);
    },
    handler: { onMessage(type, data, length) { got.push(`${type}:${length}`); messages.push(data.slice(0, length)); } },
  });
  const memory = server.memory;
  const at = server.inputStart;
  let expectedCalls = 0;
  let allTaken = true;
  for (let from = 0; from < input.bytes.length; from += READ) {
    const to = Math.min(from + READ, input.bytes.length);
    // one call for each data frame's payload that has bytes in this read
    expectedCalls += input.bodies.filter(([start, end]) => start < to && end > from).length;
    memory.set(input.bytes.subarray(from, to), at);
    view = memory.subarray(at, at + to - from);
    allTaken = server.receive(memory, at, at + to - from, view) === at + to - from && allTaken;
  }
  check("every read taken whole", allTaken);
  check(`messages ${got.join(" ")}`, got.join(" ") === "1:3 2:8192 2:6000");
  check("8 KiB frame unmasked byte for byte", messages.length === 3 && sameBytes(messages[1], big));
  check("two fragments unmasked byte for byte", messages.length === 3 && sameBytes(messages[2], concat(first, rest)));
  check(`${calls} native calls, ${expectedCalls} expected`, calls === expectedCalls && expectedCalls === 13);
  check(`${strangers} calls not on the read's view`, strangers === 0);
  trace(`native xor: ${calls} payload pieces of ${Math.ceil(input.bytes.length / READ)} reads unmasked by the native on their read's view, `
    + `${big.length + first.length + rest.length} payload bytes compared, ${failures.length} failed\n`);
  return failures;
}
