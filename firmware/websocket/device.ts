// The Network on a Moddable device: ECMA-419 TCP sockets and listener, the UDP DNS resolver, and the
// Timer module. This and the app's main are the only modules that import device-only modules.

import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import UDP from "embedded:io/socket/udp";
import Resolver from "embedded:network/dns/resolver/udp";
import Timer from "timer";
import type { ListenerConstructor, Network, ResolverConstructor, SocketConstructor } from "./io.js";

/** Name servers used when none are given; a network's own are better where the app knows them. */
export const DEFAULT_DNS_SERVERS = ["1.1.1.1", "8.8.8.8"];

/** The device's network, for WebSocketClient and WebSocketServer. Add `tls` for wss:// (device-tls.js). */
export function deviceNetwork(dnsServers: string[] = DEFAULT_DNS_SERVERS): Network {
  return {
    // ECMA-419's classes match the shapes in io.js at run time; their typings are looser or stricter in places
    socket: { io: TCP as unknown as SocketConstructor },
    listener: { io: Listener as unknown as ListenerConstructor },
    dns: { io: Resolver as unknown as ResolverConstructor, servers: dnsServers, socket: { io: UDP } },
    timers: {
      set: (callback: () => void, ms: number): unknown => Timer.set(callback, ms),
      clear: (timer: unknown): void => Timer.clear(timer as Timer),
    },
  };
}
