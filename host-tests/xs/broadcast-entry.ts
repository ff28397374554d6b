// Under XS: the broadcast of text with ArrayBuffer.fromString counted (count-from-string.js runs first),
// with the firmware's native mask and copy.
import { fromStringCalls } from "./count-from-string.js";
import { runBroadcast } from "../../fixtures/broadcast-text.js";

print("RESULT " + JSON.stringify(runBroadcast({ mask: wsMask, copy: wsCopy }, fromStringCalls)));
