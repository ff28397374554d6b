// The I/O the stack runs on, shaped like ECMA-419 (embedded:io/socket/tcp and .../listener): on a
// device these are Moddable's own classes, on Node the adapters in host/node-tcp.js. Constructors
// are injected, so nothing here imports a device-only module.

/**
 * Callbacks are called with the socket as `this` (ECMA-419), and `target`, given in the options, is
 * the socket's `target` property: a session passes itself there and shared functions as callbacks,
 * so that a socket costs no closures (see Session.callbacks).
 */
export interface SocketCallbacks {
  target?: unknown;
  /** Bytes are queued for read(). */
  onReadable?(count: number): void;
  /** Room to write: on connect, and as the peer acknowledges. */
  onWritable?(count: number): void;
  /** The connection ended or failed (after the receive queue is drained). */
  onError?(): void;
}

export interface TcpSocket {
  /** Reads exactly buffer.byteLength queued bytes into it; throws when fewer are queued. */
  read(buffer: Uint8Array): number | undefined | void;
  /** Writes all of bytes or throws ("would block"); returns the room left. The bytes are copied before it returns (lwIP's TCP_WRITE_FLAG_COPY): a direct payload is unmasked again right after. */
  write(bytes: Uint8Array): number | undefined | void;
  close(): void;
}

export type SocketOptions = SocketCallbacks & {
  /** An IP address; a host name only where the constructor resolves names itself (Node). */
  address?: string;
  host?: string;
  port?: number;
  /** An accepted connection, from Listener.read(). */
  from?: unknown;
  nodelay?: boolean;
  /** TLS settings for a TLS socket constructor (server name, certificates). */
  secure?: Record<string, unknown>;
};

export type SocketConstructor = new (options: SocketOptions) => TcpSocket;

export interface Listener {
  /** The next accepted connection, to pass as `from` to the socket constructor. */
  read(): unknown;
  close(): void;
  readonly port?: number;
}

export type ListenerConstructor = new (options: { port: number; address?: string; onReadable(count: number): void }) => Listener;

export interface Resolver {
  resolve(options: { host: string; onResolved(host: string, address: string): void; onError(host: string): void }): void;
  close(): void;
}

export type ResolverConstructor = new (options: Record<string, unknown>) => Resolver;

/** Timers: Moddable's Timer module on the device, setTimeout on Node. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(timer: unknown): void;
}

/** What a client or server needs to reach the network, as ECMA-419 host providers hand it over. */
export interface Network {
  socket: { io: SocketConstructor };
  /** For wss:// */
  tls?: { io: SocketConstructor };
  listener?: { io: ListenerConstructor };
  /** Resolves host names first when given; without it the socket constructor takes `host`. */
  dns?: { io: ResolverConstructor } & Record<string, unknown>;
  timers: Timers;
}
