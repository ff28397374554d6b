// What a session is made with: the per-connection settings a client or a server passes through,
// and the handler that hears from it.

import type { ConnectionHandler, ConnectionOptions } from "./core/connection.js";
import type { Timers } from "./io.js";
import type { Platform } from "./platform.js";

export interface ConnectionSettings
  extends Pick<ConnectionOptions, "maxMessage" | "maxFragments" | "streaming" | "inputSize" | "outputSize" | "fragmentSize"> {
  /** UTF-8 bytes of messages that may wait to be sent; send() returns false past it. */
  maxQueue?: number;
  /** After our close frame, ms to wait for the peer's before dropping the socket. */
  closeTimeout?: number;
}

const SETTINGS = ["maxMessage", "maxFragments", "streaming", "inputSize", "outputSize", "fragmentSize", "maxQueue",
  "closeTimeout"] as const;

/** The settings `o` gives, and only those: under XS a property set to undefined costs a slot all the same. */
export function connectionSettings(o: ConnectionSettings): ConnectionSettings {
  const settings: Record<string, unknown> = {};
  for (const key of SETTINGS) if (o[key] !== undefined) settings[key] = o[key];
  return settings as ConnectionSettings;
}

export interface SessionHandler extends ConnectionHandler {
  /** Send queue has room again after a send() was refused. */
  onDrain?(): void;
  /** The socket is gone and every event has been delivered. */
  onEnd?(): void;
}

/**
 * A server's sessions share one of these (role, random, natives and timers given); a client's
 * session takes the app's own options as they are: with `platform` given, it is a client, its
 * random, natives and timers those of the platform and network, whatever else the object carries.
 */
export interface SessionOptions extends Omit<ConnectionOptions, "handler" | "role">, ConnectionSettings {
  role?: ConnectionOptions["role"];
  timers?: Timers;
  platform?: Platform;
  network?: { timers: Timers };
  /** Who closes TCP first after the closing handshake: the server (RFC 6455 7.1.1). Absent: the peer does. */
  closesFirst?: boolean;
}

/** Where bytes read before the WebSocket opens go: the client's or the server's handshake. */
export type RawReader = (bytes: Uint8Array, count: number) => void;
