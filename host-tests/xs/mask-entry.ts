// Under XS: the firmware's masking in place, linked into this engine as a board links it, against a
// reference loop and through a server connection (fixtures/mask-cases.ts); then the direct-payload
// echo with it alone (no copy: direct pieces copied by set(), then masked by it).
import { runDirectEcho } from "../../fixtures/direct-echo.js";
import { runMaskCases } from "../../fixtures/mask-cases.js";

/**
 * A number argument whose valueOf collects garbage, which moves buffers: the natives must convert their
 * numbers before they take a buffer's address. Returns what changed where.
 */
function collectingArguments(): { target: number; others: number; utf8: number } {
  let junk: Uint8Array[] | null = [];
  for (let i = 0; i < 400; i++) junk.push(new Uint8Array(40));
  const bytes = new Uint8Array(64);
  const after: Uint8Array[] = [];
  for (let i = 0; i < 3000; i++) after.push(new Uint8Array(40));
  junk = null;
  const collecting = (n: number) => ({ valueOf() { collectGarbage(); return n; } }) as unknown as number;
  wsMask(bytes, collecting(0), 64, Uint8Array.of(0xaa, 0xaa, 0xaa, 0xaa), 0, 0);
  let others = 0;
  for (const a of after) for (const b of a) if (b !== 0) others++;
  const invalid = new Uint8Array(8).fill(0xff);
  return { target: bytes.filter((b) => b === 0xaa).length, others, utf8: wsUtf8Check(0, invalid, collecting(0), 8) };
}

print("RESULT " + JSON.stringify({ cases: runMaskCases(wsMask), echo: runDirectEcho({ mask: wsMask }), collecting: collectingArguments() }));
