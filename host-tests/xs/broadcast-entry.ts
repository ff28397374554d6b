// Under XS: the broadcast of text with ArrayBuffer.fromString counted (count-from-string.js runs first).
import { fromStringCalls } from "./count-from-string.js";
import { runBroadcast } from "../../fixtures/broadcast-text.js";

const logical = (globalThis as unknown as { Logical: { xor(dst: Uint8Array, src: Uint8Array): void } }).Logical;
print("RESULT " + JSON.stringify(runBroadcast((dst, src) => logical.xor(dst, src), fromStringCalls)));
