// A device's samples as CSV (RFC 4180), made page by page as the client takes it: an export of a
// million samples built whole held about 1.4 GB and blocked the server for 15 s (SQLite, measured);
// now it holds a page and the server answers devices and other requests between pages.

import { setImmediate as turn } from "node:timers/promises";
import type { Hello, StoredSample } from "./store-types.js";

/** Samples a page: one query, and a few milliseconds of formatting, between turns of the event loop. */
export const CSV_PAGE = 2000;

/**
 * The header line, then one chunk of lines a page, yielding to the event loop between them. The first
 * page is read by the caller before anything is sent, so a store that fails answers with a status.
 */
export async function* csvChunks(described: Hello, first: IteratorResult<StoredSample[]>,
  rest: AsyncIterator<StoredSample[]>): AsyncGenerator<string> {
  const header = ["time", "boot", "seq", ...described.channels.map((c, i) => (described.units[i] ? `${c} (${described.units[i]})` : c))];
  try {
    yield line(header);
    for (let next = first; next.done !== true; next = await rest.next()) {
      yield next.value.map((s) => line([isoTime(s.t), s.boot, s.seq, ...s.values.map((v) => v ?? "")])).join("");
      await turn();
    }
  } finally {
    await rest.return?.(); // a client gone mid-export: the store's pages stop too
  }
}

const line = (fields: unknown[]) => fields.map(csvField).join(",") + "\r\n";

/** ISO 8601 where the time is one a Date can hold (a device's clock may send anything finite). */
const isoTime = (t: number) => (Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : String(t));

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function csvField(value: unknown): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
