// Misbehaving clients over real TCP on 127.0.0.1, each a bounded function that reports what the
// server did to it. Used by the hostile-client tests and by the soak.

import net from "node:net";
import { ascii, concat, maskedFrame } from "../../fixtures/hex.js";

const UPGRADE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const KEY = [1, 2, 3, 4];

/** A raw client: what it received, and when the server closed on it. */
export class RawPeer {
  readonly socket: net.Socket;
  received = Buffer.alloc(0);
  closedAt = 0;
  readonly closed: Promise<void>;
  readonly started = Date.now();

  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    this.socket.on("data", (d) => (this.received = Buffer.concat([this.received, d])));
    this.socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => this.socket.on("close", () => { this.closedAt = Date.now(); resolve(); }));
  }

  /** Resolves true once the server closed the connection, false if it is still open after `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const open = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const result = await Promise.race([this.closed.then(() => true), open]);
    clearTimeout(timer);
    return result;
  }

  write(bytes: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The HTTP status the server answered with, 0 before it did. */
  get status(): number {
    const m = /^HTTP\/1\.1 (\d{3})/.exec(this.received.toString("latin1", 0, 16));
    return m ? Number(m[1]) : 0;
  }

  /** Sends a good upgrade request and waits for the answer's head; true when it was 101. */
  async upgrade(ms = 2000): Promise<boolean> {
    this.write(UPGRADE);
    const deadline = Date.now() + ms;
    while (this.received.indexOf("\r\n\r\n") < 0 && this.closedAt === 0 && Date.now() < deadline) await pause(5);
    return this.status === 101;
  }

  /** The code of the first close frame the server sent after its 101, or 0. */
  get closeCode(): number {
    const end = this.received.indexOf("\r\n\r\n");
    if (end < 0) return 0;
    const after = this.received.subarray(end + 4);
    for (const f of serverFrames(after)) if (f.opcode === 8) return f.length >= 2 ? after.readUInt16BE(f.payload) : 1005;
    return 0;
  }

  destroy(): void { this.socket.destroy(); }
}

/** The complete frames a server sent (unmasked), in order: opcode, payload offset and length. */
function* serverFrames(bytes: Buffer): Generator<{ opcode: number; payload: number; length: number }> {
  for (let at = 0; at + 2 <= bytes.length;) {
    let length = bytes[at + 1] & 0x7f;
    let head = 2;
    if (length === 126 && at + 4 <= bytes.length) { length = bytes.readUInt16BE(at + 2); head = 4; }
    else if (length === 127 && at + 10 <= bytes.length) { length = Number(bytes.readBigUInt64BE(at + 2)); head = 10; }
    else if (length >= 126) return;
    if (at + head + length > bytes.length) return;
    yield { opcode: bytes[at] & 0x0f, payload: at + head, length };
    at += head + length;
  }
}

/** A raw client that has been upgraded, or an error naming the status the server refused with. */
export async function upgradedPeer(port: number): Promise<RawPeer> {
  const peer = new RawPeer(port);
  if (!(await peer.upgrade())) throw new Error(`upgrade refused: ${peer.status}`);
  return peer;
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A frame a client sends (masked). */
export function clientFrame(b0: number, payload: Uint8Array | string): Uint8Array {
  return maskedFrame(b0, typeof payload === "string" ? ascii(payload) : payload, KEY);
}

/** Sends the request head a byte at a time every `everyMs`; how long the server let it trickle. */
export async function slowHandshake(port: number, everyMs: number, giveUpMs: number): Promise<{ closed: boolean; ms: number }> {
  const peer = new RawPeer(port);
  for (let i = 0; i < UPGRADE.length - 4 && peer.closedAt === 0 && Date.now() - peer.started < giveUpMs; i++) {
    peer.write(UPGRADE[i]);
    await pause(everyMs);
  }
  const closed = await peer.closedWithin(100);
  peer.destroy();
  return { closed, ms: (peer.closedAt || Date.now()) - peer.started };
}

/** Header lines without end, up to `bytes`; the status the server answered and whether it closed. */
export async function headerFlood(port: number, bytes: number): Promise<{ status: number; closed: boolean }> {
  const peer = new RawPeer(port);
  peer.write("GET / HTTP/1.1\r\nHost: x\r\n");
  for (let sent = 0; sent < bytes && peer.closedAt === 0; sent += 1024) {
    peer.write(`X-Flood: ${"a".repeat(1012)}\r\n`);
    await pause(1);
  }
  const closed = await peer.closedWithin(2000);
  peer.destroy();
  return { status: peer.status, closed };
}

/** Upgrades, sends `bytes`, and reports the close code the server answered with and whether it closed. */
export async function badFrames(port: number, bytes: Uint8Array): Promise<{ code: number; closed: boolean }> {
  const peer = await upgradedPeer(port);
  peer.write(bytes);
  const closed = await peer.closedWithin(3000);
  peer.destroy();
  return { code: peer.closeCode, closed };
}

/** Sends `count` pings without reading, then reads: the pongs that came back. */
export async function pingFlood(port: number, count: number): Promise<{ pongs: number; open: boolean }> {
  const peer = await upgradedPeer(port);
  const head = peer.received.length;
  peer.socket.pause();
  const ping = clientFrame(0x89, "are you there");
  for (let i = 0; i < count; i += 100) peer.write(concat(...Array.from({ length: Math.min(100, count - i) }, () => ping)));
  await pause(300);
  peer.socket.resume();
  await pause(300);
  let pongs = 0;
  for (const f of serverFrames(peer.received.subarray(head))) if (f.opcode === 0xa) pongs++;
  const open = peer.closedAt === 0;
  peer.destroy();
  return { pongs, open };
}

/** Opens `count` connections at once and upgrades each; how many got which status. */
export async function connectionFlood(port: number, count: number): Promise<{ statuses: Record<number, number>; peers: RawPeer[] }> {
  const peers = Array.from({ length: count }, () => new RawPeer(port));
  const results = await Promise.all(peers.map(async (p) => { await p.upgrade(); return p.status; }));
  const statuses: Record<number, number> = {};
  for (const s of results) statuses[s] = (statuses[s] ?? 0) + 1;
  return { statuses, peers };
}

/** Upgrades and sends `messages` echo requests of `size` bytes without ever reading the answers. */
export async function nonReader(port: number, messages: number, size: number): Promise<RawPeer> {
  const peer = await upgradedPeer(port);
  peer.socket.pause();
  const frame = clientFrame(0x82, new Uint8Array(size));
  for (let i = 0; i < messages; i++) {
    peer.write(frame);
    if (i % 16 === 15) await pause(1);
  }
  return peer;
}
