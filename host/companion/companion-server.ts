// The companion server on Fastify: devices connect over WebSocket (@fastify/websocket, on ws) with
// their own credential, stream sample batches that are committed then acknowledged, and take
// commands; operators log in and use the HTTP API and the dashboard, which a live WebSocket feed
// keeps current. Every route, query, body and device message is checked against a JSON schema.

import fastifyCookie from "@fastify/cookie";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { apiRoutes, deviceList } from "./api-routes.js";
import { bearer, FailureLimiter, isLoopback, type Limiter, SESSION_COOKIE, Sessions } from "./auth.js";
import { ClusterLimiter, ClusterSessions } from "./cluster-auth.js";
import { authRoutes } from "./auth-routes.js";
import { dashboardFiles } from "./dashboard.js";
import type { ClusterBus } from "./cluster-bus.js";
import { DeviceLinks } from "./device-links.js";
import { LiveFeed } from "./live.js";
import { deviceQuery } from "./schemas.js";
import { SampleStore } from "./store.js";
import type { Retention, Store } from "./store-types.js";

export interface CompanionOptions<S extends Store = SampleStore> {
  port: number;
  /** Address to listen on: 127.0.0.1 by default; 0.0.0.0 for boards on the LAN (needs an operator token). */
  host?: string;
  /** SQLite file, or ":memory:"; ignored when `store` is given. */
  database: string;
  /** Shared by a cluster's instances: sessions are signed with it, so any instance accepts one made by another. */
  sessionSecret?: string;
  /** Another store (PostgreSQL, for a cluster), opened by the caller and closed by stop(). */
  store?: S;
  /** Joins the instances of a cluster through Redis (cluster-bus.ts); closed by stop(). */
  cluster?: ClusterBus;
  retention?: Retention;
  /** Traded for a session at POST /api/login; without one the server runs in development mode, loopback only. */
  operatorToken?: string;
  /** Ms between pings to each device; silent for twice this is offline. 10,000 by default. */
  pingInterval?: number;
  /** Ms between checks that each open live feed's operator session still holds (a logout elsewhere, an expiry). 5,000 by default. */
  liveRecheckMs?: number;
  /** Ms to wait for a device's reply to a command. */
  commandTimeout?: number;
  /** PEM certificate and key: the server speaks https and wss. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Serve the dashboard's files (true by default). */
  dashboard?: boolean;
  /** pino's log level, or false for none. */
  logLevel?: string | false;
  /** Failed authentications per address per minute before 429 (10 by default); counted cluster-wide in a cluster. */
  maxFailures?: number;
  /**
   * "loopback": a reverse proxy on this machine (nginx) forwards the clients, so a request from a
   * loopback address takes its client's address from the last X-Forwarded-For entry (the one the
   * proxy wrote); the rate limiter then counts clients, not the proxy. Off by default.
   */
  trustProxy?: "loopback";
}

/** 200 for /device or /live (with any query), 400 for a target that is not a decodable path, else 404. */
function upgradeTargetStatus(target: string): number {
  if (!target.startsWith("/")) return 400;
  try {
    decodeURIComponent(target);
  } catch {
    return 400;
  }
  const path = target.split("?")[0];
  return path === "/device" || path === "/live" ? 200 : 404;
}

export class ServerSettingsError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export class CompanionServer<S extends Store = SampleStore> {
  readonly store: S;
  readonly credentials: S["credentials"];
  readonly links: DeviceLinks;
  readonly live: LiveFeed;
  readonly app: FastifyInstance;
  readonly #options: CompanionOptions<S>;
  readonly #limiter: Limiter;

  constructor(options: CompanionOptions<S>) {
    const host = options.host ?? "127.0.0.1";
    if (options.operatorToken === undefined && !isLoopback(host)) {
      throw new ServerSettingsError("OPERATOR_TOKEN_REQUIRED", `listening on ${host} needs an operator token (COMPANION_OPERATOR_TOKEN): development mode is loopback only`);
    }
    this.#options = { ...options, host };
    this.store = options.store ?? (new SampleStore(options.database, options.retention) as unknown as S);
    this.credentials = this.store.credentials;
    this.live = new LiveFeed(() => deviceList(this), undefined, options.liveRecheckMs);
    this.links = new DeviceLinks(this.store, {
      changed: () => this.live.devicesChanged(),
      samples: (device, samples) => this.live.broadcast({ type: "samples", device, samples }),
      watched: () => this.live.watched,
      holding: (devices) => this.credentials.holding(devices),
    }, options.pingInterval ?? 10_000, options.commandTimeout ?? 5000);
    const local = new FailureLimiter(options.maxFailures ?? 10);
    this.#limiter = options.cluster ? new ClusterLimiter(options.cluster.redis, local, options.maxFailures ?? 10) : local;
    this.app = this.#build();
    options.cluster?.attach(this, options.pingInterval ?? 10_000, options.commandTimeout ?? 5000);
  }

  get port(): number { return (this.app.server.address() as AddressInfo).port; }
  get stats() { return this.links.stats; }
  get secure(): boolean { return this.#options.tls !== undefined; }
  get cluster(): ClusterBus | undefined { return this.#options.cluster; }

  async start(): Promise<number> {
    await this.app.ready();
    this.#guardUpgrades();
    // a fleet reconnects all at once (an instance died, the network came back): with Node's default
    // backlog of 511 the kernel drops the SYNs beyond it and those devices wait for their SYN retry
    // (1 s, 3 s, 7 s...); 4096 is Linux's usual somaxconn, which caps it anyway
    await this.app.listen({ port: this.#options.port, host: this.#options.host, backlog: 4096 });
    return this.port;
  }

  /**
   * Only /device and /live upgrade, and only with a target that is a plain path: anything else gets
   * its 400 or 404 here and the socket is closed. (@fastify/websocket routes an upgrade through a
   * response on the raw socket; with a target such as "http://[" that answer left the socket and
   * the server's close waiting forever.)
   */
  #guardUpgrades(): void {
    const server = this.app.server;
    const listeners = server.listeners("upgrade") as ((...a: unknown[]) => void)[];
    server.removeAllListeners("upgrade");
    server.on("upgrade", (request: { url?: string }, socket: Duplex, head: Buffer) => {
      const status = upgradeTargetStatus(request.url ?? "");
      if (status === 200) return listeners.forEach((listener) => listener.call(server, request, socket, head));
      this.links.stats.refused++;
      const body = JSON.stringify({ error: { code: status === 400 ? "BAD_URL" : "NOT_FOUND", message: "no WebSocket endpoint there" } });
      socket.on("error", () => undefined);
      socket.end(`HTTP/1.1 ${status} ${status === 400 ? "Bad Request" : "Not Found"}\r\nConnection: close\r\n`
        + `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
  }

  /** Stops; `abrupt` drops the devices' connections without a close, as a crash would look to them. */
  async stop(abrupt = false): Promise<void> {
    this.links.closeAll(abrupt);
    this.live.close();
    await this.app.close();
    await this.links.settled();
    await this.#options.cluster?.close();
    await this.store.close();
  }

  online(device: string): boolean { return this.links.online(device); }

  command(device: string, cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return this.links.command(device, cmd, args);
  }

  #build(): FastifyInstance {
    const o = this.#options;
    const logger = o.logLevel ? { level: o.logLevel } : false;
    const app = Fastify({
      logger, bodyLimit: 4096, frameworkErrors: (error: FastifyError, _request: unknown, reply: FastifyReply) =>
        reply.code(error.statusCode ?? 400).send({ error: { code: error.code, message: error.message } }), routerOptions: { maxParamLength: 200 }, requestTimeout: 10_000, forceCloseConnections: true, return503OnClosing: true,
      // only the proxy in front of us (hop 0) is trusted, and only on loopback: what a client wrote
      // into X-Forwarded-For itself is never believed
      ...(o.trustProxy === "loopback" ? { trustProxy: (address: string, hop: number) => hop === 0 && isLoopback(address) } : {}),
      ...(o.tls ? { https: { cert: o.tls.cert, key: o.tls.key } } : {}),
    } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
    // JSON only: a cross-site form or a text/plain "simple request" gets 415 instead of reaching a route
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("application/json", { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (status >= 500) request.log.error(error);
      const code = error.validation ? "BAD_REQUEST" : (error.code ?? "FAILED");
      reply.code(status).send({ error: { code, message: status >= 500 ? "internal error" : error.message } });
    });
    app.setNotFoundHandler((request, reply) => {
      reply.code(404).send({ error: { code: "NOT_FOUND", message: `no route ${request.method} ${request.url.slice(0, 100)}` } });
    });
    app.register(fastifyCookie);
    app.register(fastifyWebsocket, { options: { maxPayload: 1 << 16 } });
    app.register(async (scope) => {
      const shared = o.cluster ? new ClusterSessions(o.cluster.redis) : undefined;
      const sessions = new Sessions(o.operatorToken, undefined, o.sessionSecret, shared);
      authRoutes(scope, sessions, this.#limiter, this.secure, (id) => this.live.sessionEnded(id));
      apiRoutes(scope, this);
      this.#deviceRoute(scope);
      // a feed lasts as long as its session: the onRequest hook let it in, the feed checks again later
      this.live.sessionValid = sessions.open ? null : async (id) => (await sessions.valid(id)) !== null;
      scope.get("/live", { websocket: true }, (socket, request) => this.live.add(socket, request.cookies[SESSION_COOKIE]));
      if (o.dashboard !== false) dashboardFiles(scope);
    });
    return app;
  }

  /** The device endpoint: ?device=ID with "Authorization: Bearer <the device's token>". */
  #deviceRoute(app: FastifyInstance): void {
    const refuse = (code: number, error: string, message: string) => {
      this.links.stats.refused++;
      return { code, body: { error: { code: error, message } } };
    };
    app.get<{ Querystring: { device: string } }>("/device", {
      websocket: true, schema: { querystring: deviceQuery },
      preValidation: async (request, reply) => {
        const token = bearer(request.headers.authorization);
        const device = (request.query as { device?: unknown }).device;
        let failure: ReturnType<typeof refuse> | null = null;
        if (await this.#limiter.blocked(request.ip)) failure = refuse(429, "TOO_MANY_FAILURES", "too many failed authentications: wait a minute");
        else if (token === undefined) failure = refuse(401, "DEVICE_TOKEN_REQUIRED", "send Authorization: Bearer <token>");
        else if (typeof device !== "string" || !(await this.credentials.check(device, token))) {
          await this.#limiter.fail(request.ip);
          failure = refuse(403, "DEVICE_TOKEN_REFUSED", "not this device's token (npm run device -- add ID mints one)");
        }
        if (failure !== null) return reply.code(failure.code).header("Connection", "close").send(failure.body);
      },
    }, (socket, request) => {
      this.#release(request.raw);
      socket.removeAllListeners("error"); // @fastify/websocket's names the request and reply; attach() adds its own
      this.links.attach(request.query.device, socket);
    });
  }

  /**
   * Lets the upgrade's HTTP objects go once the link is up: the socket keeps its ServerResponse
   * (which holds the request, its headers and the upgrade's head) for as long as it lives, about
   * 2 KB per idle device connection that nothing reads again.
   */
  #release(request: IncomingMessage): void {
    const socket = request.socket as Socket & { _httpMessage?: ServerResponse | null };
    socket._httpMessage?.detachSocket(socket);
  }
}
