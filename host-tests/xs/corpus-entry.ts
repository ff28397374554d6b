// Under XS: runs the frame corpus and prints the results for the Node side to compare.
import { runCorpus } from "../../fixtures/corpus/run-corpus.js";

print("RESULT " + JSON.stringify(runCorpus()));
