// The cells of the whole-path bench: receive and send, text and binary, 16 B, 1 KiB and 64 KiB, as
// 536- and 1,460-byte TCP segments or whole frames, each measured per message with the fake's cost
// and the driver's calls into the socket callbacks (calibrated against empty callbacks) taken off.

import { maskedFrame, plainFrame } from "../../fixtures/hex.js";
import { payloadOf, textOf as workloadText } from "../../fixtures/workloads.js";
import { FakeSocket, ROOM } from "./fake-socket.js";
import type { Endpoint } from "./ours.js";
import { type Cost, perUnit, window } from "./probe.js";

export type Segmenting = 536 | 1460 | "frame";

export interface CellResult extends Cost {
  messages: number;
  invalid?: string;
  /** Wall-clock ms per message on this host, for a 64 KiB send (where XS's string indexing shows). */
  ms?: number;
}

export const payload = (type: "text" | "binary", size: number): Uint8Array => payloadOf({ type, size });
export const textOf = (size: number): string => workloadText({ size });

/** Messages per pass: enough that the segment cuts fall everywhere in frames. */
export const perPass = (size: number): number => (size <= 16 ? 256 : size <= 1024 ? 32 : 2);

/** A frame the peer sends to `endpoint`: what a client sends is masked, so what it receives is plain, and the reverse. */
function peerFrame(endpoint: Endpoint, opcode: number, data: Uint8Array): Uint8Array {
  return endpoint.masks ? plainFrame(opcode, data) : maskedFrame(opcode, data, [0x37, 0xfa, 0x21, 0x3d]);
}

/** One pass of frames a peer sends to `endpoint` (masked towards a server), cut as TCP would cut it. */
export function segmentsFor(endpoint: Endpoint, type: "text" | "binary", size: number, cut: Segmenting): Uint8Array[] {
  const frame = peerFrame(endpoint, type === "text" ? 0x81 : 0x82, payload(type, size));
  const count = perPass(size);
  const stream = new Uint8Array(frame.length * count);
  for (let i = 0; i < count; i++) stream.set(frame, i * frame.length);
  const step = cut === "frame" ? frame.length : cut;
  const segments: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += step) segments.push(stream.subarray(at, Math.min(at + step, stream.length)));
  return segments;
}

/**
 * Whole binary frames of 16 to 120 bytes, each its own segment, their sizes varying as JSON's would:
 * ECMA-419 reads exactly a buffer's length, so a read of a size not among the last two needs a view.
 */
export function variedFrames(endpoint: Endpoint, count = 256): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(peerFrame(endpoint, 0x82, payload("binary", 16 + ((i * 37) % 105))));
  }
  return frames;
}

/** Steps of one driver call into a socket callback that does nothing, and of one app call into a send that does nothing. */
export function calibrateDriver(): { delivery: number; send: number } {
  const socket = new FakeSocket();
  socket.bind({ onReadable() {}, onWritable() {} });
  const segment = new Uint8Array(16);
  const n = 1000;
  const d = window(() => { for (let i = 0; i < n; i++) socket.deliver(segment); });
  const a = window(() => { for (let i = 0; i < n; i++) socket.ack(); });
  const idle: Endpoint = { socket, received: () => 0, send: () => false, masks: false, held: null };
  const s = window(() => { for (let i = 0; i < n; i++) idle.send(segment); });
  return { delivery: (d.steps + a.steps) / (2 * n), send: s.steps / n };
}

export function receiveCell(endpoint: Endpoint, segments: Uint8Array[], messages: number, cal: { delivery: number }): CellResult {
  const socket = endpoint.socket;
  const first = endpoint.received();
  const pass = (passes: number) => {
    for (let p = 0; p < passes; p++) for (let i = 0; i < segments.length; i++) socket.deliver(segments[i]);
  };
  const cost = perUnit(pass, messages);
  const seen = endpoint.received() - first;
  if (seen !== 4 * messages) throw new Error(`received ${seen} messages of ${4 * messages}`);
  return { ...cost, steps: cost.steps - (cal.delivery * segments.length) / messages, messages };
}

export function sendCell(endpoint: Endpoint, data: string | Uint8Array, frameBytes: number, cal: { delivery: number; send: number }): CellResult {
  const socket = endpoint.socket;
  const sink = socket.sink;
  sink.reset();
  let acks = 0;
  // Moddable's write takes a whole frame or throws: its app waits for room for the frame first
  const room = Math.max(ROOM, frameBytes);
  const pass = (passes: number) => {
    for (let p = 0; p < passes; p++) {
      const target = socket.sentTarget();
      if (endpoint.writesWhole) while (socket.short(frameBytes)) { acks++; socket.ack(room); }
      endpoint.send(data);
      // then the peer acknowledges as long as the message is not all out
      for (let guard = 0; socket.waiting(target) && guard < 1000; guard++) { acks++; socket.ack(); }
    }
  };
  const before = sink.messages;
  // every message warmed first (steady state: views kept from the warm pass are not counted); then a
  // 64 KiB one sent once beside none, smaller ones twice beside once, each window starting with the
  // socket's room whole (acknowledged outside it), so that both meet the same acknowledgements
  const large = frameBytes > ROOM;
  pass(1);
  socket.ack();
  const a0 = acks;
  const one = window(() => pass(large ? 0 : 1));
  socket.ack();
  const a1 = acks;
  const t = now();
  const two = window(() => pass(large ? 1 : 2));
  const ms = now() - t;
  const extraAcks = (acks - a1) - (a1 - a0);
  const sent = sink.messages - before;
  const expected = large ? 2 : 4;
  const result: CellResult = {
    steps: two.steps - one.steps - cal.send - cal.delivery * extraAcks,
    slots: two.slots - one.slots, chunks: two.chunks - one.chunks, messages: 1,
  };
  if (large) result.ms = ms;
  if (sink.invalid) result.invalid = sink.invalid;
  else if (sent !== expected) throw new Error(`sent ${sent} messages of ${expected}`);
  return result;
}

/**
 * The floor any stack pays: an app that only reads each 1,460-byte delivery into a view it made
 * ahead, so what is left of the fake (its call, the checks around its bracket) shows.
 */
export function floorPerDelivery(cal: { delivery: number }): CellResult {
  const socket = new FakeSocket();
  const view = new Uint8Array(1460);
  let reads = 0;
  socket.bind({ onReadable() { socket.read(view); reads++; } });
  socket.opened();
  const e: Endpoint = { socket, received: () => reads, send: () => false, masks: true, held: null };
  const segments = segmentsFor(e, "binary", 16, 1460).filter((s) => s.length === 1460);
  return receiveCell(e, segments, segments.length, cal);
}
