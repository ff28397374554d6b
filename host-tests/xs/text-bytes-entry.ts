// Under XS (device engine): the firmware's text natives, linked into this engine as a board links
// them, against the script encoder (fixtures/text-bytes-cases.ts); then the direct-payload echo
// with them in the platform, so every string goes out copied by them (fixtures/direct-echo.ts).
import { runDirectEcho } from "../../fixtures/direct-echo.js";
import { runTextBytesCases } from "../../fixtures/text-bytes-cases.js";
import type { Mask, TextBytes, Xor } from "../../firmware/websocket/platform.js";

const natives = globalThis as unknown as { wsTextSize: TextBytes["size"]; wsTextInto: TextBytes["into"]; wsMask: Mask; Logical: { xor: Xor } };
const text: TextBytes = { size: natives.wsTextSize, into: natives.wsTextInto };
let intoCalls = 0;
const counted: TextBytes = { size: text.size, into(...args) { intoCalls++; return text.into(...args); } };
const cases = runTextBytesCases(text);
const echo = runDirectEcho({ xor: natives.Logical.xor, mask: natives.wsMask, text: counted });
print("RESULT " + JSON.stringify({ cases, echo, intoCalls }));
