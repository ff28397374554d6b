// Under XS: the direct-payload echo with the firmware's native copy and mask (copy.c, mask.c), as on a device.
import { runDirectEcho } from "../../fixtures/direct-echo.js";

print("RESULT " + JSON.stringify(runDirectEcho({ copy: wsCopy, mask: wsMask })));
