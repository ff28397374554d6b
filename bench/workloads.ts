// Steady-state workloads over the protocol core, shared by the benchmarks (Node and XS) and the
// allocation test. Received frames are copied into the connection's own input area piece by piece,
// as a transport's read(input) would, so the core runs its zero-copy path.

import { Connection } from "../firmware/websocket/core/connection.js";
import { maskedFrame, plainFrame, seededRandom } from "../host-tests/support/hex.js";

export interface Workload {
  /** Processes `count` messages; returns how many the handler saw (or frames sent). */
  run(count: number): number;
}

export interface WorkloadSpec {
  role: "client" | "server";
  type: "text" | "binary";
  size: number;
  /** Bytes per transport read, like TCP segments (1460) arriving one at a time. */
  piece?: number;
  /** Pieces handed over as they arrive (onPiece) instead of whole messages. */
  streaming?: boolean;
}

export function payloadOf(spec: Pick<WorkloadSpec, "type" | "size">): Uint8Array {
  // ASCII for text (valid UTF-8), every byte value for binary
  return Uint8Array.from({ length: spec.size }, (_, i) => (spec.type === "text" ? 0x20 + (i % 95) : i & 0xff));
}

export function textOf(spec: Pick<WorkloadSpec, "size">): string {
  let s = "";
  for (let i = 0; i < spec.size; i++) s += String.fromCharCode(0x20 + (i % 95));
  return s;
}

/** The handler counts a message per call: whole messages, or pieces (one per message of one piece). */
function connectionFor(spec: WorkloadSpec, onMessage: () => void, inputSize = spec.piece ?? 1460): Connection {
  return new Connection({
    role: spec.role, maxMessage: spec.streaming ? 0 : Math.max(spec.size, 16), inputSize, streaming: spec.streaming,
    outputSize: spec.size + 14, random: seededRandom(1),
    handler: { onMessage, onPiece: onMessage },
  });
}

function frameOf(spec: WorkloadSpec): Uint8Array {
  const opcode = spec.type === "text" ? 0x81 : 0x82;
  // a client receives unmasked frames, a server masked ones
  return spec.role === "client" ? plainFrame(opcode, payloadOf(spec)) : maskedFrame(opcode, payloadOf(spec), [1, 2, 3, 4]);
}

/** Frames from the peer, received and delivered as whole messages. */
export function receiving(spec: WorkloadSpec): Workload {
  let seen = 0;
  const conn = connectionFor(spec, () => seen++);
  const frame = frameOf(spec);
  const size = spec.piece ?? 1460;
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < frame.length; at += size) pieces.push(frame.subarray(at, Math.min(at + size, frame.length)));
  const memory = conn.memory;
  const at = conn.inputStart;
  return {
    run(count: number): number {
      seen = 0;
      for (let m = 0; m < count; m++) {
        for (let p = 0; p < pieces.length; p++) {
          const piece = pieces[p];
          memory.set(piece, at);
          conn.receive(memory, at, at + piece.length);
        }
      }
      return seen;
    },
  };
}

/**
 * The same on a client, with the pieces already in the input area: a client's frames are not
 * unmasked in place, so they can be read again, and the count is the core's work alone, without
 * the copy a transport's read does (natively on a device; metered at 2 steps a byte by xsnap).
 */
export function receivingInPlace(spec: WorkloadSpec, harnessOnly = false): Workload {
  if (spec.role !== "client") throw new Error("only a client's (unmasked) frames can be received again in place");
  let seen = 0;
  const frame = frameOf(spec);
  const real = connectionFor(spec, () => seen++, frame.length);
  // harnessOnly: the same loop and calls into an empty receive(), to tell the harness's steps apart
  const conn = harnessOnly ? { receive(_b: Uint8Array, _s: number, _e: number): void {} } : real;
  const memory = real.memory;
  const start = real.inputStart;
  memory.set(frame, start);
  const piece = spec.piece ?? 1460;
  const end = start + frame.length;
  return {
    run(count: number): number {
      seen = 0;
      for (let m = 0; m < count; m++) {
        for (let at = start; at < end; at += piece) conn.receive(memory, at, at + piece < end ? at + piece : end);
      }
      return seen;
    },
  };
}

/** Messages from the app, encoded (and masked by a client) into frames. */
export function sending(spec: WorkloadSpec): Workload {
  const conn = connectionFor(spec, () => undefined);
  const data: string | Uint8Array = spec.type === "text" ? textOf(spec) : payloadOf(spec);
  return {
    run(count: number): number {
      let frames = 0;
      for (let m = 0; m < count; m++) {
        conn.send(data);
        while (conn.encodeNext() > 0) frames++;
      }
      return frames;
    },
  };
}

/** The baseline the unmask target is measured against: a bare word-wise XOR loop. */
export function bareXor(size: number): Workload {
  const words = new Uint32Array(size >> 2);
  return {
    run(count: number): number {
      for (let m = 0; m < count; m++) {
        const w = 0x04030201;
        for (let j = 0; j < words.length; j++) words[j] ^= w;
      }
      return count;
    },
  };
}
