// Moddable's ECMA-419 example client (examples/io/tcp/websocketclient in the SDK, bundled from the
// SDK checkout at run time, never copied here), opened over a FakeSocket the same way ours is. Its app
// reads each piece with read(count), as the example's main.js does, and sends ArrayBuffers.

import { FakeSocket, socketClass } from "./fake-socket.js";
import { answerFor, type Endpoint } from "./ours.js";

interface ModdableClient {
  write(data: ArrayBuffer | Uint8Array, options?: { binary?: boolean }): number;
  read(count?: number): ArrayBuffer | undefined;
}

export type ModdableClass = new (options: Record<string, unknown>) => ModdableClient;

/** Moddable's client resolves its host first: this resolver answers at once. */
class Resolver {
  resolve(o: { host: string; onResolved(host: string, address: string): void }): void { o.onResolved(o.host, "127.0.0.1"); }
  close(): void {}
}

const TEXT = { binary: false };

/** One resolver and socket class for every client (the bench's objects, not counted as the client's). */
let nextSocket: FakeSocket | null = null;
const DNS = { io: Resolver };
const SOCKET = { io: socketClass(() => nextSocket as FakeSocket) };

/** The app's server, constants of its module as ours is (ours.ts: URL). */
const HOST = "127.0.0.1";
const PATH = "/bench";

/** The app's callbacks, functions of its module as ours are (ours.ts): fixed bytes are the client's. */
let messages = 0;
const APP = {
  onReadable(this: ModdableClient, count: number, options: { more: boolean }) {
    this.read(count);
    if (!options.more) messages++;
  },
  onWritable() {},
  onControl() {},
  onClose() {},
  onError() { throw new Error("Moddable's client reported an error"); },
};

export function openModdable(Client: ModdableClass, socket: FakeSocket): Endpoint {
  nextSocket = socket;
  const client = new Client({ host: HOST, path: PATH, port: 80, dns: DNS, socket: SOCKET, ...APP });
  nextSocket = null; // taken: a socket kept here would keep its client alive past the app
  socket.ack(); // connected: it writes its request
  socket.deliver(answerFor(socket.head ?? ""));
  socket.opened();
  return {
    socket,
    received: () => messages,
    // Moddable's write takes buffers: a text message comes already encoded, with {binary: false}
    send: (d) => (typeof d === "string" ? client.write(textBuffers.get(d) as ArrayBuffer, TEXT) : client.write(d)) >= 0,
    masks: true,
    writesWhole: true,
    held: client,
  };
}

/** The app's text messages, encoded ahead (its own ArrayBuffer.fromString, outside the measure). */
export const textBuffers = new Map<string, ArrayBuffer>();
