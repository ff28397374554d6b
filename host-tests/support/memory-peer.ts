// A hand-driven peer on the in-memory network: it writes exactly the bytes a test gives it and
// reads only when told to, so tests can play a silent, flooding or vanished peer on the manual clock.

import type { TcpSocket } from "../../firmware/websocket/io.js";
import { ascii, concat, maskedFrame } from "../../fixtures/hex.js";
import type { MemoryNetwork } from "../../fixtures/memory-network.js";

export const UPGRADE = ascii("GET /x HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

export class MemoryPeer {
  readonly socket: TcpSocket;
  /** Everything read so far. */
  received: Uint8Array = new Uint8Array(0);
  reading = true;
  ended = false;
  #queued = 0;

  constructor(network: MemoryNetwork, port: number) {
    this.socket = new network.socket.io({
      address: "127.0.0.1", port,
      onReadable: (count: number) => { this.#queued = count; if (this.reading) this.readNow(); },
      onError: () => { this.ended = true; },
    });
  }

  readNow(): void {
    if (this.#queued === 0) return;
    const bytes = new Uint8Array(this.#queued);
    this.socket.read(bytes);
    this.#queued = 0;
    this.received = concat(this.received, bytes);
  }

  /** Writes what fits; returns the bytes written (the window may be full). */
  write(bytes: Uint8Array): boolean {
    try {
      this.socket.write(bytes);
      return true;
    } catch {
      return false;
    }
  }

  /** The bytes received after the 101 answer's head. */
  frames(): Uint8Array {
    const text = String.fromCharCode(...this.received.subarray(0, Math.min(this.received.length, 400)));
    const head = text.indexOf("\r\n\r\n");
    return head < 0 ? new Uint8Array(0) : this.received.subarray(head + 4);
  }
}

/** A masked client frame with a fixed key. */
export function clientFrame(b0: number, payload: Uint8Array): Uint8Array {
  return maskedFrame(b0, payload, [1, 2, 3, 4]);
}

/** Unmasked server frames, walked: [opcode, payload] each. */
export function parseServerFrames(bytes: Uint8Array): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  let i = 0;
  while (i + 2 <= bytes.length) {
    let n = bytes[i + 1] & 0x7f;
    let at = i + 2;
    if (n === 126) { n = (bytes[at] << 8) | bytes[at + 1]; at += 2; }
    else if (n === 127) { n = Number(new DataView(bytes.buffer, bytes.byteOffset + at).getBigUint64(0)); at += 8; }
    if (at + n > bytes.length) break;
    out.push([bytes[i] & 0x0f, bytes.subarray(at, at + n)]);
    i = at + n;
  }
  return out;
}
