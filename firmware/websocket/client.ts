// The WebSocket client: ws:// and wss://, an HTTP CONNECT proxy, connect and handshake timeouts,
// reconnection with exponential backoff and full jitter, and a heartbeat that declares a silent
// link dead. One API on the device and on Node: only the injected Network differs.

import { ClientHandshake, HANDSHAKE_FAILED, HANDSHAKE_WAIT } from "./core/client-handshake.js";
import { HandshakeErrors, type WebSocketProblem } from "./core/errors.js";
import type { SocketOptions } from "./io.js";
import { type ClientOptions, type ClientState, ClientStates } from "./client-options.js";
import { checkClose, connectionSizes } from "./core/connection.js";
import { resolveHost } from "./resolve.js";
import { type RawReader, Session, type SessionHandler } from "./session.js";
import { isIpAddress, parseWebSocketUrl, type WebSocketUrl } from "./url.js";

export { OPCODE_BINARY, OPCODE_TEXT } from "./core/constants.js";

export type { ClientOptions, ClientState, ReconnectPolicy } from "./client-options.js";
export { ClientStates } from "./client-options.js";

/**
 * The states as set and compared: under XS a string literal is a new string each time it is evaluated
 * (24 chunk bytes, held as long as the state is), these are one string each.
 */
const { CONNECTING, OPEN, CLOSING, CLOSED, WAITING } = ClientStates;
const NO_RETRY_STATUS = [401, 403, 404];

/** A session's handler for a client: the app's message functions as its own, the lifecycle on its prototype. */
interface ClientEvents extends SessionHandler { client: WebSocketClient }
/** The lifecycle half of every client's session handler: one shared object, no closures per connection (XS: ~10 slots each). */
let CLIENT_EVENTS: object;

export class WebSocketClient {
  static {
    // made in the class body, so that they may use its private members
    CLIENT_EVENTS = {
      onError(this: ClientEvents, p: WebSocketProblem) { this.client.report(p, p.status); },
      onClose(this: ClientEvents, code: number, reason: string, clean: boolean) {
        const client = this.client;
        if (client.opened()) client.#options.onClose?.(code, reason, clean);
      },
      onDrain(this: ClientEvents) { this.client.#options.onDrain?.(); },
      onEnd(this: ClientEvents) { this.client.ended(); },
    };
  }

  /** The app's options, as given: the URL is parsed again at each attempt (a field for it would hold its object and strings). */
  readonly #options: ClientOptions;
  #session: Session | null = null;
  #state: ClientState = CONNECTING;
  #protocol = "";
  #attempt = 0;
  /** No reconnection follows: close() was called, or the server refused for good (401, 403, 404, unless reconnect.onRefusal). */
  #final = false;
  /**
   * The one timer of an attempt's life that is not the heartbeat's: the connect and handshake
   * deadline, then a heartbeat ping's, then the wait before the next attempt (never two at once).
   */
  #timer: unknown = null;
  #heartbeat: unknown = null;

  constructor(options: ClientOptions) {
    this.#options = options;
    const url = parseWebSocketUrl(options.url); // a bad URL throws here, not at the first attempt
    if (url.secure && options.proxy) throw new TypeError("wss:// through a proxy is not supported");
    if (url.secure && !options.network.tls) throw new TypeError("wss:// needs network.tls");
    connectionSizes(options);
    this.connect();
  }

  get state(): ClientState { return this.#state; }
  get protocol(): string { return this.#protocol; }
  get bufferedAmount(): number { return this.#session?.bufferedAmount ?? 0; }
  /** Failed attempts since the last open. */
  get attempts(): number { return this.#attempt; }

  /** Accepts a message (true), or refuses it (false): not open, or the queue is full (then onDrain). */
  send(data: string | Uint8Array): boolean {
    // open implies a session: ended() clears the session and leaves the open state together
    return this.#state === OPEN && (this.#session as Session).send(data);
  }

  /**
   * Sends a piece of a message too large to hold (a log read from flash, a camera frame); `final`
   * ends the message. Kept by reference until sent: fill the next buffer, not this one. False when
   * not open or the queue is full (then onDrain): backpressure per piece.
   */
  sendPiece(data: Uint8Array, final: boolean, binary = true): boolean {
    return this.#state === OPEN && this.#session !== null && this.#session.sendPiece(data, binary, final);
  }

  ping(payload?: Uint8Array): void {
    if (this.#state === OPEN) this.#session?.ping(payload);
  }

  /** Closes for good: no reconnection follows. A code or reason close frames may not carry throws first, changing nothing. */
  close(code = 1000, reason = ""): void {
    checkClose(code, reason);
    this.#final = true;
    this.clear("#timer");
    if (this.#session === null || this.#session.ended) {
      this.#state = CLOSED;
      return;
    }
    this.#state = CLOSING;
    this.#session.close(code, reason);
  }

  private connect(): void {
    const o = this.#options;
    const url = parseWebSocketUrl(o.url);
    this.#state = CONNECTING;
    const handshake = new ClientHandshake({ host: url.host, port: url.port, path: url.path, secure: url.secure,
      origin: o.origin, protocols: o.protocols, headers: o.headers, maxHeader: o.maxHeader,
      proxyHeaders: o.proxy ? o.proxy.headers ?? {} : undefined }, o.platform.random32, o.platform.sha1);
    const session = this.newSession();
    const raw = (bytes: Uint8Array, count: number): void => {
      const end = handshake.feed(bytes, 0, count);
      if (end === HANDSHAKE_FAILED) return this.refuse(handshake.problem as WebSocketProblem, handshake.status);
      if (end === HANDSHAKE_WAIT) return void this.write(session, handshake); // the upgrade, once a proxy's tunnel stands
      this.clear("#timer");
      this.#protocol = handshake.protocol;
      this.#state = OPEN;
      this.#attempt = 0;
      session.open(bytes, end, count);
      this.startHeartbeat();
      o.onOpen?.(handshake.protocol);
    };
    this.#timer = o.network.timers.set(() => {
      this.#timer = null;
      this.report(session.connected ? HandshakeErrors.HANDSHAKE_TIMEOUT : HandshakeErrors.CONNECT_TIMEOUT, 0);
      session.drop();
    }, o.connectTimeout ?? 10000);
    const target = o.proxy ?? url;
    resolveHost(o.network.dns, target.host, (address, host) => {
      if (session.ended) return;
      // the session's own callbacks, no wrapper: a closure made here would hold this attempt's
      // handshake (and all of this scope) for as long as the socket lives. Moddable's TLSSocket
      // example calls back without itself as `this`: it gets closures
      this.openSocket(session, raw, url, { address, host, port: target.port, ...(url.secure ? session.closures() : session.callbacks()) });
      this.write(session, handshake);
    }, () => {
      this.report({ code: "WS_ERR_DNS", status: 0, message: `cannot resolve ${target.host}` }, 0);
      session.drop();
    });
  }

  /** The TCP or TLS socket for one attempt, handed to its session. */
  private openSocket(session: Session, raw: RawReader, url: WebSocketUrl, options: SocketOptions): void {
    const io = url.secure ? this.#options.network.tls!.io : this.#options.network.socket.io;
    try {
      // the server name for SNI and certificate checks: never an IP address
      session.attach(new io({ ...options, secure: url.secure
        ? { ...(isIpAddress(url.host) ? {} : { servername: url.host }), ...this.#options.secure } : undefined }), raw);
    } catch (error) {
      // refused at once (a device with no route, no socket free), or a bug: said, never swallowed
      this.report({ code: "WS_ERR_SOCKET", message: `no socket: ${error instanceof Error ? error.message : String(error)}` }, 0);
      session.drop();
    }
  }

  /** Writes what the handshake has to send now: the proxy's CONNECT or the upgrade. */
  private write(session: Session, handshake: ClientHandshake): void {
    const bytes = handshake.next();
    if (bytes !== null) session.writeRaw(bytes);
  }

  /**
   * A session for one attempt. The app's own functions take messages, with no wrapper on the path
   * of every message (called as methods of this handler object); any bytes from the server count as
   * a sign of life for the heartbeat (Session.heard, set once per read).
   */
  private newSession(): Session {
    const o = this.#options;
    // the app's options themselves: the settings (maxMessage, inputSize, ...) and, through its platform
    // and network, random, natives and timers (session-settings.js); an object of our own would cost
    // XS a slot a property for as long as the connection lives
    this.#session = new Session(o, this.events(o));
    return this.#session;
  }

  /** The session's handler: the app's message callbacks it has (an undefined one would cost XS a slot), the rest shared. */
  private events(o: ClientOptions): ClientEvents {
    const events = Object.create(CLIENT_EVENTS) as ClientEvents;
    events.client = this;
    if (o.onMessage) events.onMessage = o.onMessage;
    if (o.onPiece) events.onPiece = o.onPiece;
    if (o.onPong) events.onPong = o.onPong;
    return events;
  }

  /** The server (or proxy, or our own check) refused the handshake. */
  private refuse(problem: WebSocketProblem, status: number): void {
    this.report(problem, status);
    if (NO_RETRY_STATUS.indexOf(status) >= 0 && !(this.#options.reconnect && this.#options.reconnect.onRefusal)) {
      this.#final = true;
    }
    this.#session?.drop();
  }

  private report(p: { code: string; message: string; status?: number }, status: number): void {
    this.#options.onError?.({ code: p.code, status, message: p.message });
  }

  /** Only a session that opened reports its close to the app; failed attempts report onError. */
  private opened(): boolean {
    return this.#session?.opened === true;
  }

  private ended(): void {
    this.clear("#timer");
    this.clear("#heartbeat");
    const wasOpen = this.#session?.opened === true;
    if (!wasOpen) this.#options.onClose?.(1006, "", false); // never opened: also when close() came first
    this.#session = null;
    const policy = this.#options.reconnect;
    if (this.#final || policy === false) {
      this.#state = CLOSED;
      return;
    }
    const ceiling = Math.min(policy?.maxDelay ?? 30000, (policy?.initialDelay ?? 1000) * 2 ** this.#attempt);
    const delay = Math.floor(this.#options.platform.random32() / 0x100000000 * ceiling);
    this.#attempt++;
    this.#state = WAITING;
    this.#timer = this.#options.network.timers.set(() => {
      this.#timer = null;
      this.connect();
    }, delay);
    this.#options.onReconnect?.(this.#attempt, delay); // after the wait is set: a close() here clears it
  }

  private startHeartbeat(): void {
    const beat = this.#options.heartbeat;
    if (beat === undefined) return;
    const timers = this.#options.network.timers;
    // a ping, then `timeout` ms for any sign of life; the next ping `interval` ms after the last
    const tick = (): void => {
      const session = this.#session;
      if (session === null) return;
      session.heard = false;
      session.ping();
      this.#timer = timers.set(() => {
        this.#timer = null;
        if (!session.heard) session.drop(); // silent past the timeout: dead, 1006
        else this.#heartbeat = timers.set(tick, Math.max(0, beat.interval - beat.timeout));
      }, beat.timeout);
    };
    this.#heartbeat = timers.set(tick, beat.interval);
  }

  private clear(which: "#timer" | "#heartbeat"): void {
    const timers = this.#options.network.timers;
    if (which === "#timer" && this.#timer !== null) { timers.clear(this.#timer); this.#timer = null; }
    if (which === "#heartbeat" && this.#heartbeat !== null) { timers.clear(this.#heartbeat); this.#heartbeat = null; }
  }
}
