// `npm run bench`, whole path: runs bench/path/entry.js under XS and prints each cell beside the
// target from issue 11's table (MET / MISSED), and beside Moddable's ECMA-419 example client with the
// ratio when MODDABLE points at an SDK checkout.

import { resultOf, runUnderXs } from "../fixtures/xs/xs-host.js";
import { bundleModdableClient } from "./path/moddable-bundle.js";
import { pathTargets, type Target } from "./path-targets.js";

interface Cell { steps: number; slots: number; chunks: number; invalid?: string; ms?: number }
interface Row { dir: "receive" | "send"; type: "text" | "binary"; size: number; cut?: number | "frame"; ours: Record<string, Cell>; moddable?: Cell }
interface PathResult {
  rows: Row[];
  idle: Record<string, { slots: number; chunks: number; deviceBytes: number }>;
  varied: Record<string, Cell>;
  calibration: Record<string, number>;
  moddable: boolean;
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const size = (n: number) => (n >= 1024 ? `${n / 1024} KiB` : `${n} B`);
/** Per-message allocations: whole numbers unless the count is a mean over messages. */
const alloc = (c: Cell) => `${fmt(c.slots, c.slots % 1 ? 2 : 0)}/${fmt(c.chunks, c.chunks % 1 ? 1 : 0)}`;

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const r of [head, ...rows]) console.log("  " + r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
}

export async function wholePath(): Promise<{ met: number; missed: number }> {
  const sdk = await bundleModdableClient();
  const started = Date.now();
  const r = resultOf(await runUnderXs("build/bench/path/entry.js", 600_000)) as PathResult;
  console.log("Whole path under XS: socket callback -> Session -> Connection -> app and back, over fake ECMA-419 sockets");
  console.log(`  (steps per message with the fake's own cost taken off: brackets of ${fmt(r.calibration.bracket, 1)} steps, `
    + `${fmt(r.calibration.delivery, 1)} steps per driver call into a socket callback, ${fmt(r.calibration.send, 1)} per app call; `
    + `what is left of the fake: ${fmt(r.calibration.floor, 1)} steps per delivery for an app that only reads it into a ready view; `
    + `slots/chunk bytes allocated per message with collection off; pieces handed to the app in place; 1,460 B buffers)`);
  console.log(sdk ? `  Moddable's ECMA-419 client bundled from ${sdk}` : "  (set MODDABLE to an SDK checkout to run Moddable's ECMA-419 client beside ours)");
  let met = 0, missed = 0;
  const verdict = (ok: boolean) => (ok ? (met++, "MET") : (missed++, "MISSED"));
  const rows: string[][] = [];
  for (const row of r.rows) {
    for (const role of ["client", "server"]) {
      const c = row.ours[role];
      const t: Target = pathTargets(row, role);
      const ok = c.steps <= t.steps && c.slots <= 0 && c.chunks <= 0;
      const m = role === "client" ? row.moddable : undefined;
      const cells = [
        `${row.dir} ${row.type} ${size(row.size)}${row.cut === undefined ? "" : row.cut === "frame" ? " whole frames" : ` in ${fmt(row.cut)} B segments`}`,
        role, `${c.ms !== undefined ? `(${fmt(c.ms / 1000, 2)} s) ` : ""}${fmt(c.steps)}`, alloc(c), `<= ${fmt(t.steps)}${t.derived ? "*" : ""}, 0/0`, verdict(ok),
      ];
      if (r.moddable) {
        cells.push(m === undefined ? "" : m.invalid ? `invalid: ${m.invalid}` : `${fmt(m.steps)}  ${alloc(m)}`,
          m === undefined || m.invalid ? "" : `${fmt(c.steps / m.steps, 2)}x`);
      }
      rows.push(cells);
    }
  }
  const head = ["per message", "role", "ours steps", "slots/chunk B", "target", "verdict"];
  table(r.moddable ? [...head, "Moddable 419 steps  slots/chunk B", "ours/Moddable"] : head, rows);
  console.log("  * not in the issue's table: derived from it (same size's target for every segment size and role; "
    + "text receive = binary + 1.5 steps a byte; text send 64 KiB = binary + the table's text surcharge per byte)");
  console.log("  (s): wall time of that one message on this host's XS");
  const v = r.varied;
  console.log(`\n  Beside the table (no target): binary whole frames of 16-120 B, their sizes varying: client ${fmt(v.client.steps)} steps ${alloc(v.client)}, `
    + `server ${fmt(v.server.steps)} ${alloc(v.server)}${v.moddable ? `, Moddable's ${fmt(v.moddable.steps)} ${alloc(v.moddable)}` : ""} (slots/chunk B a message: `
    + "ECMA-419 reads exactly a buffer's length, so a read of a size not among the last two costs a view of the input area, 4 slots)");
  console.log("\n  Fixed bytes, live after full collections, beyond the input and output areas (a mean over 4 connections opened with 64 B and 140 B areas; 16-byte device slots):");
  for (const [name, f] of Object.entries(r.idle)) {
    const ours = name.includes("(ours)");
    const line = `    ${name}: ${fmt(f.deviceBytes)} B (${fmt(f.slots)} slots + ${fmt(f.chunks)} chunk B)`;
    console.log(ours ? `${line}  target <= 1,536 B${name.includes("server") ? "*" : ""}: ${verdict(f.deviceBytes <= 1536)}` : line);
  }
  console.log(`  whole path: ${met} met, ${missed} missed (${fmt((Date.now() - started) / 1000, 1)} s under XS)`);
  if (process.env.BENCH_PROFILE) {
    console.log("\n  Where the steps go (calls per message x inclusive steps per call; wrappers add a few):");
    for (const line of resultOf(await runUnderXs("build/bench/path/profile-entry.js", 600_000)) as string[]) console.log(`    ${line}`);
  }
  return { met, missed };
}
