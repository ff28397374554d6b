// Our client and server, each through its real class and Session, opened over a FakeSocket by a
// scripted peer (the other end's handshake is written by hand, so that only one side lives in the
// heap). Messages come back to the app as pieces in place (streaming), as the issue measures them.

import type { Copy, Mask, TextBytes } from "../../firmware/websocket/platform.js";
import { WebSocketClient } from "../../firmware/websocket/client.js";
import { acceptFor } from "../../firmware/websocket/core/accept.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { ascii } from "../../fixtures/hex.js";
import type { Network, SocketConstructor } from "../../firmware/websocket/io.js";
import { type ServerClient, WebSocketServer } from "../../firmware/websocket/server.js";
import { FakeSocket, socketClass } from "./fake-socket.js";
import { enter, leave } from "./probe.js";

/** The sizes every run uses: TCP-segment input and output areas, pieces delivered in place. */
export const SETTINGS = { inputSize: 1460, outputSize: 1460, streaming: true } as const;
export type ConnectionSizes = { inputSize: number; outputSize: number; streaming: true };

export interface Endpoint {
  socket: FakeSocket;
  /** Data messages the app has seen complete. */
  received(): number;
  send(data: string | Uint8Array): boolean;
  /** The frames it sends are masked (a client's). */
  masks: boolean;
  /** send() writes a whole frame at once or throws (Moddable's): the app waits for room first. */
  writesWhole?: boolean;
  /**
   * What an app keeps of the connection (its client object; nothing for a server's, which the server
   * holds): fixed bytes are measured holding this, not the bench's endpoint and its closures.
   */
  held: unknown;
}

/** As on the device (platform-device.ts): two draws of Math.random, which is native there as here. */
const platform = {
  sha1,
  random32: () => (((Math.random() * 0x10000) << 16) | (Math.random() * 0x10000)) >>> 0,
  // the firmware's own C UTF-8 check (native/utf8-check.c), which the XS host links as a board does
  utf8: (globalThis as unknown as { wsUtf8Check: (state: number, bytes: Uint8Array, start: number, end: number) => number }).wsUtf8Check,
  // its mask.c, masking in place both ways
  mask: (globalThis as unknown as { wsMask: Mask }).wsMask,
  // its copy.c: a large frame's payload into the output area
  copy: (globalThis as unknown as { wsCopy: Copy }).wsCopy,
  // and its text-bytes.c: a string's own bytes copied into each frame
  text: Object.freeze({ size: (globalThis as unknown as { wsTextSize: TextBytes["size"] }).wsTextSize,
    into: (globalThis as unknown as { wsTextInto: TextBytes["into"] }).wsTextInto }),
};

const timers = { set: (): unknown => 0, clear: (): void => {} };

/** The server's 101 for the key in a request the socket has captured. */
export function answerFor(request: string): Uint8Array {
  const key = /Sec-WebSocket-Key: *([^\r]+)\r\n/i.exec(request)?.[1];
  if (key === undefined) throw new Error(`no Sec-WebSocket-Key in ${JSON.stringify(request)}`);
  return ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + `Sec-WebSocket-Accept: ${acceptFor(key, sha1)}\r\n\r\n`);
}

/** The socket the next client's constructor call gets: one network for every client, not the bench's objects per client. */
let nextClientSocket: FakeSocket | null = null;
const clientNetwork: Network = { socket: { io: socketClass(() => nextClientSocket as FakeSocket) as unknown as SocketConstructor }, timers };

/**
 * Messages the app has seen complete, on every endpoint: the app's callbacks are functions of its
 * module, not closures per connection, so that fixed bytes are the stack's (cells measure one
 * endpoint at a time).
 */
let messagesSeen = 0;
function countMessages(_type: number, _data: Uint8Array, _start: number, _end: number, _offset: number, final: boolean): void {
  if (final) messagesSeen++;
}
const COUNTING = Object.freeze({ onPiece: countMessages });
/**
 * The app's server, a constant of its module as a device's app has it (its mc/config): XS makes a
 * new string each time a literal in a function is evaluated (on a device too, in preloaded modules),
 * which would count as the connection's.
 */
const URL = "ws://127.0.0.1:80/bench";

export function openClient(socket: FakeSocket, settings: ConnectionSizes = SETTINGS): { endpoint: Endpoint; client: WebSocketClient } {
  nextClientSocket = socket;
  const network = clientNetwork;
  const client = new WebSocketClient({
    url: URL, network, platform, reconnect: false, ...settings, onPiece: countMessages,
  });
  nextClientSocket = null; // taken: a socket kept here would keep its client alive past the app
  socket.ack(); // connected: room to write the request
  socket.deliver(answerFor(socket.head ?? ""));
  if (client.state !== "open") throw new Error(`our client did not open: ${client.state}`);
  socket.opened();
  return { endpoint: { socket, received: () => messagesSeen, send: (d) => client.send(d), masks: true, held: client }, client };
}

export const UPGRADE = ascii("GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

/** A listener whose next connection the bench hands over. */
class FakeListener {
  static onReadable: ((count: number) => void) | null = null;
  static next: FakeSocket | null = null;
  constructor(options: { onReadable(count: number): void }) { FakeListener.onReadable = options.onReadable; }
  read(): unknown { enter(); const s = FakeListener.next; FakeListener.next = null; leave(); return s; }
  close(): void {}
}

/** A server over fake sockets; the last one started is the one acceptOnServer() connects to. */
export function startServer(settings: ConnectionSizes = SETTINGS): WebSocketServer {
  let current: FakeSocket | null = null;
  const network: Network = {
    socket: { io: socketClass(() => current as FakeSocket) as unknown as SocketConstructor },
    listener: { io: FakeListener as unknown as NonNullable<Network["listener"]>["io"] },
    timers,
  };
  const server = new WebSocketServer({ port: 80, network, platform, ...settings, maxClients: 64,
    onConnection: (client) => onConnection(client) });
  acceptOn = (socket) => { current = socket; FakeListener.next = socket; FakeListener.onReadable?.(1); current = null; };
  return server;
}

let acceptOn: (socket: FakeSocket) => void = () => { throw new Error("no server started"); };
let onConnection: (client: ServerClient) => void = () => undefined;

/** The server accepts a connection on `socket`, whose scripted client sends a valid upgrade. */
export function acceptOnServer(server: WebSocketServer, socket: FakeSocket): Endpoint {
  const before = server.stats.accepted;
  let client: ServerClient | null = null;
  onConnection = (c) => {
    client = c;
    c.handler = COUNTING;
  };
  acceptOn(socket);
  socket.ack();
  socket.deliver(UPGRADE);
  if (server.stats.accepted !== before + 1 || !/^HTTP\/1\.1 101 /.test(socket.head ?? "")) {
    throw new Error(`our server did not accept: ${socket.head}`);
  }
  socket.opened();
  onConnection = () => undefined;
  const c = client as unknown as ServerClient;
  return { socket, received: () => messagesSeen, send: (d) => c.send(d), masks: false, held: null };
}
