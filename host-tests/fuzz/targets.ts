import { frameTargets } from "./frame-targets.js";
import type { FuzzTarget } from "./fuzz-target.js";
import { parserTargets } from "./parser-targets.js";
import { textTargets } from "./text-targets.js";

export const allTargets: FuzzTarget[] = [...frameTargets, ...textTargets, ...parserTargets];
