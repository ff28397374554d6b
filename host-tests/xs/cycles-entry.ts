// Under XS: connection cycles with the live heap measured after a full collection at each tenth.
import { runCycles } from "../websocket/cycles.js";

// preallocated: a growing result array would itself show up as heap growth
const slots = new Float64Array(20);
const chunks = new Float64Array(20);
const result = runCycles(1000, 1000, (round) => {
  collectGarbage();
  slots[round - 1] = heapSlots();
  chunks[round - 1] = heapChunks();
});
print("RESULT " + JSON.stringify({ result, slots: Array.from(slots), chunks: Array.from(chunks) }));
