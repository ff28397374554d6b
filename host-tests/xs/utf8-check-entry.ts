// Under XS: the firmware's own C UTF-8 check, linked into this engine as a board links it, against
// the script DFA and through a server connection (fixtures/utf8-check-cases.ts).
import { runUtf8CheckCases } from "../../fixtures/utf8-check-cases.js";

const started = meter();
const report = runUtf8CheckCases(wsUtf8Check);
// steps of one native call on 1,024 bytes of ASCII, then on 16: the same whatever the length
const bytes = new Uint8Array(1024).fill(0x61);
function steps(length: number): number {
  const m = meter();
  wsUtf8Check(0, bytes, 0, length);
  return meter() - m;
}
const long = steps(1024);
const short = steps(16);
print("RESULT " + JSON.stringify({ ...report, steps: { long, short }, total: meter() - started }));
