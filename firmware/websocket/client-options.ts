// What a WebSocketClient is made with (client.ts): its URL, network and platform, the connection
// settings, reconnection and heartbeat, and the app's callbacks; and the states it reports.

import type { DataHandler } from "./core/receiver.js";
import type { Network } from "./io.js";
import type { Platform } from "./platform.js";
import type { ConnectionSettings } from "./session-settings.js";

export interface ReconnectPolicy {
  /** First delay's ceiling in ms; each failure doubles it (full jitter: a random delay below it). */
  initialDelay?: number;
  maxDelay?: number;
  /** Also retry after 401, 403 and 404, which will not change by themselves. */
  onRefusal?: boolean;
}

export interface ClientOptions extends DataHandler, ConnectionSettings {
  url: string;
  network: Network;
  platform: Platform;
  protocols?: string[];
  origin?: string;
  /** Extra request headers, such as Authorization or Cookie. */
  headers?: Record<string, string>;
  /** An HTTP CONNECT proxy (ws:// only). */
  proxy?: { host: string; port: number; headers?: Record<string, string> };
  /** TLS settings handed to the TLS socket (wss://). */
  secure?: Record<string, unknown>;
  /** Largest response head accepted. */
  maxHeader?: number;
  /** TCP connect plus opening handshake, in ms. */
  connectTimeout?: number;
  /** false for none. */
  reconnect?: ReconnectPolicy | false;
  /** Ping every `interval` ms; no pong nor data within `timeout` ms: the link is dead (1006). */
  heartbeat?: { interval: number; timeout: number };
  onOpen?(protocol: string): void;
  onPong?(data: Uint8Array, start: number, end: number): void;
  onClose?(code: number, reason: string, clean: boolean): void;
  /** A protocol or handshake problem; `status` is the close code, or the HTTP status a server refused with. */
  onError?(problem: { code: string; status: number; message: string }): void;
  /** Room in the send queue again, after a send() returned false. */
  onDrain?(): void;
  /** A reconnection is scheduled: attempt number and delay in ms. */
  onReconnect?(attempt: number, delay: number): void;
}

export type ClientState = "connecting" | "open" | "closing" | "closed" | "waiting";
/** The values of WebSocketClient.state, to compare with instead of string literals. */
export const ClientStates = Object.freeze({ CONNECTING: "connecting", OPEN: "open", CLOSING: "closing", CLOSED: "closed",
  WAITING: "waiting" } as const);
