// Finds the address to connect to: an IP address as it is, a name through the DNS resolver when
// there is one, else the name itself for a socket constructor that resolves names (Node's).

import type { ResolverConstructor } from "./io.js";
import { isIpAddress } from "./url.js";

export function resolveHost(dns: ({ io: ResolverConstructor } & Record<string, unknown>) | undefined, host: string,
  open: (address: string | undefined, host: string | undefined) => void, failed: () => void): void {
  const literal = isIpAddress(host);
  if (dns === undefined || literal) return open(literal ? host : undefined, host);
  const resolver = new dns.io(dns);
  resolver.resolve({
    host,
    onResolved: (_host, address) => { resolver.close(); open(address, undefined); },
    onError: () => { resolver.close(); failed(); },
  });
}
