// Under XS: the direct-payload echo with the XS host's native Logical.xor, as on a device.
import { runDirectEcho } from "../../fixtures/direct-echo.js";

const logical = (globalThis as unknown as { Logical: { xor(dst: Uint8Array, src: Uint8Array): void } }).Logical;
print("RESULT " + JSON.stringify(runDirectEcho((dst, src) => logical.xor(dst, src))));
