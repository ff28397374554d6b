// The per-connection settings a client or a server passes through to its sessions.

import type { ConnectionOptions } from "./core/connection.js";

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
