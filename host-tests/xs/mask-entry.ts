// Under XS: the firmware's masking in place, linked into this engine as a board links it, against a
// reference loop and through a server connection (fixtures/mask-cases.ts); then the direct-payload
// echo with it alone (no xor: a client's direct pieces masked by it too).
import { runDirectEcho } from "../../fixtures/direct-echo.js";
import { runMaskCases } from "../../fixtures/mask-cases.js";

print("RESULT " + JSON.stringify({ cases: runMaskCases(wsMask), echo: runDirectEcho({ mask: wsMask }) }));
