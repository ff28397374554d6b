// A full garbage collection on demand, for measuring the live heap from a test or the soak
// without asking every caller to start Node with --expose-gc.

import v8 from "node:v8";
import vm from "node:vm";

v8.setFlagsFromString("--expose-gc");
export const collectGarbage = vm.runInNewContext("gc") as () => void;
