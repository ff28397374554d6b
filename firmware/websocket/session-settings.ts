// What a session is made with: the per-connection settings a client or a server passes through,
// and the handler that hears from it.

import type { ConnectionHandler, ConnectionOptions } from "./core/connection.js";
import type { Timers } from "./io.js";

export interface ConnectionSettings
  extends Pick<ConnectionOptions, "maxMessage" | "maxFragments" | "streaming" | "inputSize" | "outputSize" | "fragmentSize"> {
  /** UTF-8 bytes of messages that may wait to be sent; send() returns false past it. */
  maxQueue?: number;
  /** After our close frame, ms to wait for the peer's before dropping the socket. */
  closeTimeout?: number;
}

export function connectionSettings(o: ConnectionSettings): ConnectionSettings {
  return { maxMessage: o.maxMessage, maxFragments: o.maxFragments, streaming: o.streaming, inputSize: o.inputSize,
    outputSize: o.outputSize, fragmentSize: o.fragmentSize, maxQueue: o.maxQueue, closeTimeout: o.closeTimeout };
}

export interface SessionHandler extends ConnectionHandler {
  /** Send queue has room again after a send() was refused. */
  onDrain?(): void;
  /** The socket is gone and every event has been delivered. */
  onEnd?(): void;
}

export interface SessionOptions extends Omit<ConnectionOptions, "handler">, ConnectionSettings {
  timers: Timers;
  /** Who closes TCP first after the closing handshake: the server (RFC 6455 7.1.1). */
  closesFirst: boolean;
}

/** Where bytes read before the WebSocket opens go: the client's or the server's handshake. */
export type RawReader = (bytes: Uint8Array, count: number) => void;
