// Moddable's ECMA-419 TLS socket (examples/io/tcp/tlssocket). mcconfig's TypeScript setup does not load
// the SDK's declaration for it, so device-tls.ts references this one.
declare module "embedded:io/socket/tcp/tls" {
  const TLSSocket: new (options: Record<string, unknown>) => unknown;
  export default TLSSocket;
}
