// The WebSocket server: a listener, fixed buffers per connection, a client limit (503 past it), a
// handshake timeout against slow or silent clients, hooks to route by path, check Origin and
// tokens and choose a subprotocol, plain HTTP answered by a handler, and broadcast with per-client
// backpressure: a slow client's messages are dropped or the client is closed, and both are counted.

import { HANDSHAKE_WAIT } from "./core/client-handshake.js";
import type { UpgradeRequest } from "./core/handshake-server.js";
import { type Acceptance, type HttpAnswer, ServerHandshake } from "./core/server-handshake.js";
import type { Listener, Network, TcpSocket } from "./io.js";
import type { Platform } from "./platform.js";
import { connectionSizes } from "./core/connection.js";
import { utf8Native } from "./core/utf8.js";
import { Session, type SessionHandler, type SessionOptions } from "./session.js";
import { type ConnectionSettings, connectionSettings } from "./session-settings.js";

export type { Acceptance, HttpAnswer, UpgradeRequest };
export { OPCODE_BINARY, OPCODE_TEXT } from "./core/constants.js";

export interface ServerOptions extends ConnectionSettings {
  port: number;
  address?: string;
  network: Network;
  platform: Platform;
  /** Open connections at most; one more is answered 503. */
  maxClients?: number;
  /**
   * Connections still in their handshake at most, apart from the open ones: a new one evicts the
   * oldest, so silent or trickling sockets cannot lock good clients out. Default 4.
   */
  maxPending?: number;
  /** Ms a client has to complete its upgrade request. */
  handshakeTimeout?: number;
  /** Largest request head: past it, 431. */
  maxHeader?: number;
  /** A slow client in a broadcast: its message is dropped (default), or it is closed with this code (1008 or 1013). */
  slowClientClose?: 1008 | 1013;
  /** Decides an upgrade: accept (return an Acceptance or nothing) or refuse (an HttpAnswer, e.g. 401, 403, 404). */
  onUpgrade?(request: UpgradeRequest): Acceptance | HttpAnswer | void;
  /** Answers a plain HTTP request; without it, 426. */
  onRequest?(request: UpgradeRequest): HttpAnswer;
  /** A client is connected: set its handlers here. */
  onConnection?(client: ServerClient, request: UpgradeRequest): void;
}

const TOO_MANY: HttpAnswer = Object.freeze({ status: 503, headers: { "Retry-After": "5" }, body: "too many clients" });
const UPGRADE_ONLY: HttpAnswer = Object.freeze({ status: 426, body: "WebSocket only" });

/**
 * A session's own handler on a server (its messages go to the client's handler): what it needs as
 * fields, the methods on one shared prototype. Closures made in accept would hold its whole scope,
 * the handshake included, for as long as the connection lives (XS: ~10 slots a closure).
 */
interface ServerEvents extends SessionHandler { server: WebSocketServer; session: Session | null; client: ServerClient | null; timer: unknown }
let SERVER_EVENTS: object;

export interface BroadcastResult { sent: number; dropped: number; closed: number }

/** One connected client; assign its handlers in onConnection. */
/** A client's handler: the session's, but for onEnd, which the server keeps for itself. */
export type ServerClientHandler = Omit<SessionHandler, "onEnd">;

/** A client's session, for broadcast() (set in ServerClient's static block: no field or closure per client). */
let sessionOf: (client: ServerClient) => Session;

export class ServerClient {
  static {
    sessionOf = (client) => client.#session;
  }

  /** Dropped broadcast messages this client was too slow for. */
  dropped = 0;
  /**
   * The request's path and query. The whole request (its headers) goes to onConnection only: kept on
   * every client it would cost XS about 460 bytes a connection, so take from it what you need there.
   */
  readonly target: string;
  readonly protocol: string;
  // #private (a slot a client more than TypeScript's private): the app's object, whose own keys and
  // JSON should show what it is, not the session behind it, which an app's property could overwrite
  readonly #session: Session;
  #handler: ServerClientHandler = {};

  constructor(session: Session, target: string, protocol: string) {
    this.#session = session;
    this.target = target;
    this.protocol = protocol;
  }

  /** The app's handler, set in onConnection (or later): the connection calls it directly, no hop. */
  get handler(): ServerClientHandler { return this.#handler; }
  set handler(handler: ServerClientHandler) {
    this.#handler = handler;
    const conn = this.#session.connection;
    if (conn !== null) conn.handler = handler;
  }

  get bufferedAmount(): number { return this.#session.bufferedAmount; }
  get open(): boolean { return !this.#session.ended && this.#session.connection?.state === 1; }
  send(data: string | Uint8Array): boolean { return this.#session.send(data); }
  /** A piece of a message (see WebSocketClient.sendPiece); `final` ends it. */
  sendPiece(data: Uint8Array, final: boolean, binary = true): boolean { return this.#session.sendPiece(data, binary, final); }
  ping(payload?: Uint8Array): void { this.#session.ping(payload); }
  close(code = 1000, reason = ""): void { this.#session.close(code, reason); }
}

export class WebSocketServer {
  static {
    // made in the class body, so that they may use its private members
    SERVER_EVENTS = {
      onDrain(this: ServerEvents) { this.client?.handler.onDrain?.(); },
      onEnd(this: ServerEvents) {
        const server = this.server;
        server.#options.network.timers.clear(this.timer);
        server.#pending.delete(this.session as Session);
        if (this.client !== null) server.clients.delete(this.client);
      },
    };
  }

  readonly clients = new Set<ServerClient>();
  /** Counters for the operator: upgrades accepted and refused (4xx, 5xx), plain HTTP answered, slow-client outcomes. */
  readonly stats = { accepted: 0, refused: 0, http: 0, dropped: 0, closedSlow: 0, evicted: 0 };
  readonly #options: ServerOptions;
  readonly #listener: Listener;
  /** Sessions still in their handshake, oldest first. */
  readonly #pending = new Set<Session>();
  /** One options object for every session (never changed by one): not 14 XS slots per connection. */
  readonly #sessionOptions: SessionOptions;
  #closed = false;

  constructor(options: ServerOptions) {
    if (!options.network.listener) throw new TypeError("a server needs network.listener");
    connectionSizes(options);
    this.#options = options;
    this.#sessionOptions = Object.freeze({ role: "server", natives: options.platform, timers: options.network.timers, closesFirst: true,
      ...connectionSettings(options) });
    this.#listener = new options.network.listener.io({
      port: options.port, address: options.address,
      onReadable: (count: number) => { for (let i = 0; i < count; i++) this.accept(); },
    });
  }

  get port(): number { return this.#listener.port ?? this.#options.port; }
  get listener(): Listener { return this.#listener; }

  /** Sends to every open client (or those `filter` picks); a slow client does not hold up the others. */
  broadcast(data: string | Uint8Array, filter?: (client: ServerClient) => boolean): BroadcastResult {
    const result = { sent: 0, dropped: 0, closed: 0 };
    // a device's text converted once for every client (Node: null, and each send encodes it); a
    // server's frames are not masked, so all may share the bytes
    const utf8 = data instanceof Uint8Array ? null : utf8Native(data);
    for (const client of this.clients) {
      if (!client.open || (filter && !filter(client))) continue;
      if (utf8 !== null ? sessionOf(client).sendUtf8(utf8) : client.send(data)) result.sent++;
      else if (this.#options.slowClientClose) {
        client.close(this.#options.slowClientClose, "too slow");
        result.closed++;
        this.stats.closedSlow++;
      } else {
        client.dropped++;
        result.dropped++;
        this.stats.dropped++;
      }
    }
    return result;
  }

  pingAll(): void {
    for (const client of this.clients) client.ping();
  }

  /** Stops listening, closes every client with 1001 and drops connections still in their handshake. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.close();
    for (const client of this.clients) client.close(1001, "server going away");
    for (const session of this.#pending) session.drop();
  }

  private accept(): void {
    const raw = this.#listener.read();
    if (raw === undefined || raw === null) return;
    const o = this.#options;
    const handshake = new ServerHandshake(o.maxHeader ?? 2048);
    const fields: Pick<ServerEvents, "server" | "session" | "client" | "timer"> = { server: this, session: null, client: null, timer: null };
    const events = Object.assign(Object.create(SERVER_EVENTS) as ServerEvents, fields);
    const session = this.sessionFor(events);
    events.session = session;
    events.timer = o.network.timers.set(() => { if (!session.opened) session.drop(); }, o.handshakeTimeout ?? 5000);
    const socket = this.socketFor(raw, session);
    if (socket === null) return;
    if (!this.#pending.has(session)) { // open connections at maxClients
      session.attach(socket, null);
      return this.answer(session, TOO_MANY);
    }
    session.attach(socket, (bytes, count) => {
      const end = handshake.feed(bytes, 0, count);
      if (end === HANDSHAKE_WAIT) return;
      const request = handshake.request!;
      const decision: HttpAnswer | Acceptance = handshake.refusal
        ?? (!request.upgrade ? o.onRequest?.(request) ?? UPGRADE_ONLY
          : this.clients.size >= (o.maxClients ?? 8) ? TOO_MANY // filled while it was pending
            : o.onUpgrade?.(request) ?? {});
      if ("status" in decision) return this.answer(session, decision);
      this.#pending.delete(session);
      this.stats.accepted++;
      session.writeRaw(handshake.accept(o.platform.sha1, decision));
      const client = new ServerClient(session, request.target, decision.protocol ?? "");
      events.client = client;
      this.clients.add(client);
      o.network.timers.clear(events.timer);
      o.onConnection?.(client, request);
      session.open(bytes, end, count, client.handler);
    });
  }

  /**
   * A session pending while there is room; once open its connection calls the client's handler
   * itself, and the session's own handler hears only onDrain and onEnd.
   */
  private sessionFor(events: ServerEvents): Session {
    const o = this.#options;
    const session: Session = new Session(this.#sessionOptions, events);
    if (this.clients.size < (o.maxClients ?? 8)) {
      if (this.#pending.size >= (o.maxPending ?? 4)) {
        this.stats.evicted++;
        this.#pending.values().next().value?.drop(); // the oldest: a good client's request comes at once
      }
      this.#pending.add(session);
    }
    return session;
  }

  /** The socket adopting an accepted connection; null, the connection let go, when none can be made (lwIP's pool used up). */
  private socketFor(raw: unknown, session: Session): TcpSocket | null {
    try {
      return new this.#options.network.socket.io({ from: raw, ...session.callbacks() });
    } catch {
      (raw as { close?(): void }).close?.();
      session.drop();
      return null;
    }
  }

  /** Answers over HTTP and ends the connection: a refusal, or a plain request's response. */
  private answer(session: Session, a: HttpAnswer): void {
    this.#pending.delete(session);
    if (a.status >= 400) this.stats.refused++;
    else this.stats.http++;
    session.writeRaw(ServerHandshake.answer(a), true);
  }
}
