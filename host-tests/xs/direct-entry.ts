// Under XS: the direct-payload echo with the XS host's native Logical.xor, as on a device.
import type { Xor } from "../../firmware/websocket/platform.js";
import { runDirectEcho } from "../../fixtures/direct-echo.js";

const logical = (globalThis as unknown as { Logical: { xor: Xor } }).Logical;
print("RESULT " + JSON.stringify(runDirectEcho({ xor: logical.xor })));
