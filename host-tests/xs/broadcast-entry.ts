// Under XS: the broadcast of text with ArrayBuffer.fromString counted (count-from-string.js runs first).
import type { Xor } from "../../firmware/websocket/platform.js";
import { fromStringCalls } from "./count-from-string.js";
import { runBroadcast } from "../../fixtures/broadcast-text.js";

const logical = (globalThis as unknown as { Logical: { xor: Xor } }).Logical;
print("RESULT " + JSON.stringify(runBroadcast(logical.xor, fromStringCalls)));
