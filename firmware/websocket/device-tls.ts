// wss:// on a Moddable device: the ECMA-419 TLS socket, kept apart so apps without TLS do not link it.
/// <reference path="./types/tls-socket.d.ts" />

import TLSSocket from "embedded:io/socket/tcp/tls";
import type { Network, SocketConstructor } from "./io.js";

export function withTls(network: Network): Network {
  return { ...network, tls: { io: TLSSocket as unknown as SocketConstructor } };
}
