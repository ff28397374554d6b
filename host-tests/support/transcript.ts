// Records what a Connection reports and writes as lines of text, so that runs on Node and under
// XS, and runs over different splits of the same bytes, can be compared as plain data.

import { Connection, type ConnectionOptions } from "../../firmware/websocket/core/connection.js";
import type { WebSocketProblem } from "../../firmware/websocket/core/errors.js";
import { digest, seededRandom, toHex } from "./hex.js";

export type Options = Omit<ConnectionOptions, "handler">;

export function recordingConnection(options: Options, events: string[]): Connection {
  return new Connection({
    ...options,
    handler: {
      onMessage: (type: number, data: Uint8Array, length: number) => events.push(`message ${type} ${digest(data, 0, length)}`),
      onPiece: (type: number, data: Uint8Array, start: number, end: number, offset: number, final: boolean) =>
        events.push(`piece ${type} @${offset} ${toHex(data, start, end)}${final ? " final" : ""}`),
      onPing: (data: Uint8Array, start: number, end: number) => events.push(`ping ${digest(data, start, end)}`),
      onPong: (data: Uint8Array, start: number, end: number) => events.push(`pong ${digest(data, start, end)}`),
      onClose: (code: number, reason: string, clean: boolean) =>
        events.push(`close ${code} ${JSON.stringify(reason)} ${clean ? "clean" : "unclean"}`),
      onError: (p: WebSocketProblem) => events.push(`error ${p.code} ${p.status}`),
    },
  });
}

/** Everything the connection has to send, frame by frame. */
export function drain(conn: Connection, events: string[]): void {
  for (let guard = 0; guard < 10000; guard++) {
    const n = conn.encodeNext();
    if (n === 0) return;
    events.push(`out ${digest(conn.memory, conn.outputStart, conn.outputStart + n)}`);
  }
  throw new Error("encodeNext did not stop");
}

/**
 * Feeds `input` cut at `cuts` (ascending offsets), draining output after each piece as a transport
 * would. Output frames are listed after the handler's events, so the list does not depend on cuts.
 */
export function feed(options: Options, input: Uint8Array, cuts: number[], end = false, viaInput = false): string[] {
  const events: string[] = [];
  // a fresh seeded mask source per run, so that every split masks with the same keys
  const conn = recordingConnection(options.role === "client" ? { ...options, random: seededRandom(7) } : options, events);
  const copy = input.slice(); // the connection unmasks in place
  const output: string[] = [];
  let from = 0;
  for (const to of [...cuts, copy.length]) {
    if (viaInput) {
      // as a transport does: read into the connection's own input area, which it consumes in place
      const { memory, inputStart, inputSize } = conn;
      for (let at = from; at < to; at += inputSize) {
        const n = Math.min(inputSize, to - at);
        memory.set(copy.subarray(at, at + n), inputStart);
        receiveAll(conn, memory, inputStart, inputStart + n, output);
      }
    } else receiveAll(conn, copy, from, to, output);
    drain(conn, output);
    from = to;
  }
  if (end) conn.end();
  events.push(...output);
  events.push(`state ${conn.state} ${conn.closeInitiator}`);
  return events;
}

/** Hands over bytes[from, to), writing each pong before the rest, as a transport does. */
function receiveAll(conn: Connection, bytes: Uint8Array, from: number, to: number, output: string[]): void {
  for (let at = from; at < to; at = conn.receive(bytes, at, to)) if (at !== from) drain(conn, output);
}

/** In streaming mode pieces follow the cuts; merging adjacent pieces gives a cut-independent view. */
export function mergePieces(events: string[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (e.startsWith("piece ") && prev !== undefined && prev.startsWith("piece ") && !prev.endsWith(" final")) {
      const [, , , hex, fin] = e.split(" ");
      out[out.length - 1] = prev + (hex ?? "") + (fin ? " final" : "");
    } else out.push(e);
  }
  return out;
}
