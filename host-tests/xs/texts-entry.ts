// Under XS: encodes, frames and decodes the text corpus in this engine's string model.
import { runTexts } from "../../fixtures/corpus/run-texts.js";

print("RESULT " + JSON.stringify(runTexts()));
