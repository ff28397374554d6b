// Under XS without isWellFormed: the text corpus through the native conversion's validated fallback.
import { removed } from "./without-is-well-formed.js";
import { runTexts } from "../../fixtures/corpus/run-texts.js";

if (!removed) throw new Error("isWellFormed is still there");
print("RESULT " + JSON.stringify(runTexts()));
