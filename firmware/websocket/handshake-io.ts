// The raw bytes of a session before frames take over: the opening handshake read in small pieces
// into a buffer of its own (a pending connection holds no frame buffers), and the bytes written
// before the first frame (the request, the 101, or an HTTP answer that ends the connection).

import type { TcpSocket } from "./io.js";
import type { RawReader } from "./session-settings.js";

/** Bytes read at a time during the opening handshake. */
const HANDSHAKE_READ = 256;

export class HandshakeIo {
  /** Where what is read goes; null after a refusal (the rest is read and let go). */
  reader: RawReader | null;
  /** Written before anything else, oldest first. */
  readonly out: Uint8Array[] = [];
  /** The socket ends once `out` is written: an HTTP answer. */
  endAfter = false;
  /** The socket has called onWritable: TCP is up (a late handshake is then the server's, not the network's). */
  connected = false;
  #buffer: Uint8Array | null = null;
  readonly #size: number;

  constructor(reader: RawReader | null, inputSize: number | undefined) {
    this.reader = reader;
    this.#size = Math.min(HANDSHAKE_READ, inputSize ?? HANDSHAKE_READ);
  }

  /** Reads up to `count` bytes from the socket for the reader; returns how many (it throws if the socket does). */
  read(socket: TcpSocket, count: number): number {
    const area = this.#buffer ??= new Uint8Array(this.#size);
    const n = count < area.length ? count : area.length;
    const view = n === area.length ? area : area.subarray(0, n);
    socket.read(view);
    this.reader?.(view, n);
    return n;
  }

  /** Writes what `out` holds as `room` allows; returns the room left, or -1 while bytes still wait for more. */
  write(socket: TcpSocket, room: number): number {
    const out = this.out;
    while (out.length > 0) {
      const head = out[0];
      const n = Math.min(head.length, room);
      if (n === 0) return -1;
      room = (socket.write(n === head.length ? head : head.subarray(0, n)) as number) ?? 0;
      if (n === head.length) out.shift();
      else out[0] = head.subarray(n);
    }
    return room;
  }
}
