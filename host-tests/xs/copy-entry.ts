// Under XS: the firmware's copy (native/copy.c), linked into this engine as a board links it, against
// a reference loop (fixtures/copy-cases.ts), and with a number argument whose valueOf collects.
import { runCopyCases } from "../../fixtures/copy-cases.js";

/** Collection moves buffers: the native must convert its numbers before it takes their addresses. */
function collectingArgument(): { target: number; others: number } {
  let junk: Uint8Array[] | null = [];
  for (let i = 0; i < 400; i++) junk.push(new Uint8Array(40));
  const source = new Uint8Array(64).fill(0xaa);
  const target = new Uint8Array(64);
  const after: Uint8Array[] = [];
  for (let i = 0; i < 3000; i++) after.push(new Uint8Array(40));
  junk = null;
  wsCopy(source, ({ valueOf() { collectGarbage(); return 0; } }) as unknown as number, 64, target, 0);
  let others = 0;
  for (const a of after) for (const b of a) if (b !== 0) others++;
  return { target: target.filter((b) => b === 0xaa).length, others };
}

print("RESULT " + JSON.stringify({ cases: runCopyCases(wsCopy), collecting: collectingArgument() }));
