// Issue 11's targets for the whole path, per message. The issue's table gives them for the client's
// main cells and asks for them "in every role, segment size and message size": a cell the table does
// not name takes the target of its size from the table, marked derived.

export interface Target { steps: number; derived: boolean }

interface RowKey { dir: "receive" | "send"; type: "text" | "binary"; size: number; cut?: number | "frame" }

/** Receive binary, 1,460-byte segments (and 536 for 64 KiB), from the table. */
const RECEIVE_BINARY: Record<number, number> = { 16: 200, 1024: 380, 65536: 7300 };
const RECEIVE_64K_IN_536 = 19000;
/** UTF-8 checked text: binary plus 1.5 steps a byte. */
const TEXT_STEPS_PER_BYTE = 1.5;
const SEND_BINARY: Record<number, number> = { 16: 180, 1024: 1200, 65536: 40000 };
const SEND_TEXT: Record<number, number> = { 16: 200, 1024: 1300 };

export function pathTargets(row: RowKey, role: string): Target {
  const client = role === "client";
  if (row.dir === "receive") {
    let binary = RECEIVE_BINARY[row.size];
    let derived = !client || row.cut === "frame" || (row.cut === 536 && row.size !== 65536);
    if (row.size === 65536 && row.cut === 536) binary = RECEIVE_64K_IN_536;
    if (row.type === "binary") return { steps: binary, derived };
    // the table names text only at 1 KiB in 1,460-byte segments
    derived ||= row.size !== 1024 || row.cut !== 1460;
    return { steps: binary + TEXT_STEPS_PER_BYTE * row.size, derived };
  }
  if (row.type === "binary") return { steps: SEND_BINARY[row.size], derived: !client };
  const text = SEND_TEXT[row.size];
  if (text !== undefined) return { steps: text, derived: !client };
  const perByte = (SEND_TEXT[1024] - SEND_BINARY[1024]) / 1024;
  return { steps: SEND_BINARY[row.size] + perByte * row.size, derived: true };
}
