// The companion server: devices connect over WebSocket (ws) with a token, stream sample batches
// that are decoded, stored and acknowledged, and take commands; an HTTP API lists devices, serves
// recent samples and relays commands with their replies.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { decodeBatch, StreamFormatError } from "../../firmware/app/stream-format.js";
import { type Retention, SampleStore } from "./store.js";

export interface CompanionOptions {
  port: number;
  host?: string;
  /** SQLite file, or ":memory:". */
  database: string;
  /** Accepted device tokens. */
  tokens: string[];
  retention?: Retention;
  /** Ms to wait for a device's reply to a command. */
  commandTimeout?: number;
  /** Ms between round-trip measurements (a ping command) per device. */
  rttInterval?: number;
  /** Extra HTTP routes (the dashboard): return true when handled. */
  extraRoutes?(request: http.IncomingMessage, response: http.ServerResponse): boolean;
}

interface DeviceLink { ws: WebSocket; rtt: number | null; malformed: number; pending: Map<number, (reply: unknown) => void> }

export class CompanionServer {
  readonly store: SampleStore;
  readonly stats = { batches: 0, samples: 0, duplicates: 0, malformed: 0, refused: 0 };
  readonly #options: CompanionOptions;
  readonly #links = new Map<string, DeviceLink>();
  readonly #http: http.Server;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  #nextCommand = 1;
  #rttTimer: NodeJS.Timeout | null = null;

  constructor(options: CompanionOptions) {
    this.#options = options;
    this.store = new SampleStore(options.database, options.retention);
    this.#http = http.createServer((req, res) => this.#route(req, res));
    this.#http.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://device");
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const device = url.searchParams.get("device") ?? "";
      const refuse = (status: number, text: string) => {
        this.stats.refused++;
        socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      };
      if (url.pathname !== "/device") return refuse(404, "Not Found");
      if (token === undefined) return refuse(401, "Unauthorized");
      if (!options.tokens.includes(token)) return refuse(403, "Forbidden");
      if (!/^[\x21-\x7e]{1,64}$/.test(device)) return refuse(400, "Bad Request");
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(device, ws));
    });
  }

  get port(): number { return (this.#http.address() as AddressInfo).port; }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#http.listen(this.#options.port, this.#options.host ?? "127.0.0.1", resolve));
    this.#rttTimer = setInterval(() => this.#measureRtt(), this.#options.rttInterval ?? 5000);
    return this.port;
  }

  /** Stops at once, as a crash would look to the devices: their connections drop without a close. */
  async stop(abrupt = false): Promise<void> {
    if (this.#rttTimer) clearInterval(this.#rttTimer);
    for (const link of this.#links.values()) (abrupt ? link.ws.terminate() : link.ws.close(1001, "server stopping"));
    this.#links.clear();
    this.#http.closeAllConnections?.();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.store.close();
  }

  online(device: string): boolean { return this.#links.has(device); }

  /** Sends a command and resolves with the device's reply. */
  command(device: string, cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const link = this.#links.get(device);
    if (!link) return Promise.reject(Object.assign(new Error(`device ${device} is offline`), { status: 404 }));
    const id = this.#nextCommand++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        link.pending.delete(id);
        reject(Object.assign(new Error("no reply in time"), { status: 504 }));
      }, this.#options.commandTimeout ?? 5000);
      link.pending.set(id, (reply) => { clearTimeout(timer); resolve(reply); });
      link.ws.send(JSON.stringify({ id, cmd, args }));
    });
  }

  #attach(device: string, ws: WebSocket): void {
    this.#links.get(device)?.ws.close(4000, "replaced by a new connection");
    const link: DeviceLink = { ws, rtt: null, malformed: 0, pending: new Map() };
    this.#links.set(device, link);
    this.store.seen(device, Date.now());
    ws.on("message", (data: Buffer, binary) => (binary ? this.#batch(device, link, data) : this.#text(device, link, data.toString())));
    ws.on("close", () => { if (this.#links.get(device) === link) this.#links.delete(device); });
    ws.on("error", () => undefined);
  }

  #batch(device: string, link: DeviceLink, data: Buffer): void {
    try {
      const batch = decodeBatch(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (batch.deviceId !== device) throw new StreamFormatError("STREAM_WRONG_DEVICE", "batch from another device id");
      const { added, duplicates } = this.store.add(batch, Date.now()); // committed when it returns
      this.stats.batches++;
      this.stats.samples += added;
      this.stats.duplicates += duplicates;
      if (batch.readings.length > 0) link.ws.send(JSON.stringify({ type: "ack", boot: batch.bootId, seq: batch.firstSequence + batch.readings.length - 1 }));
    } catch (e) {
      this.stats.malformed++;
      link.malformed++;
      if (e instanceof StreamFormatError && e.code === "STREAM_BAD_VERSION") link.ws.close(4002, "STREAM_BAD_VERSION: send stream format 2");
      else link.ws.close(1007, e instanceof StreamFormatError ? e.code : "malformed batch");
    }
  }

  #text(device: string, link: DeviceLink, text: string): void {
    let message: { type?: string; id?: number; channels?: string[] };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === "hello" && Array.isArray(message.channels)) this.store.hello(device, Date.now(), { channels: message.channels.map(String), units: [], commands: [] });
    else if (typeof message.id === "number") link.pending.get(message.id)?.(message);
  }

  #measureRtt(): void {
    for (const [device, link] of this.#links) {
      const sent = Date.now();
      this.command(device, "ping", { t: sent }).then(() => { link.rtt = Date.now() - sent; }, () => undefined);
    }
  }

  #route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://api");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "GET" && url.pathname === "/api/devices") {
      return json(200, this.store.devices().map((d) => ({ ...d, online: this.#links.has(d.id),
        rtt: this.#links.get(d.id)?.rtt ?? null })));
    }
    if (parts[0] === "api" && parts[1] === "devices" && parts.length === 4) {
      const device = decodeURIComponent(parts[2]);
      if (req.method === "GET" && parts[3] === "samples") {
        const limit = Math.min(10_000, Math.max(1, Number(url.searchParams.get("limit") ?? 500) || 500));
        const described = this.store.describe(device);
        if (described === null) return json(404, { error: "unknown device" });
        return json(200, { device, channels: described.channels, samples: this.store.recent(device, limit) });
      }
      if (req.method === "POST" && parts[3] === "commands") {
        let body = "";
        req.on("data", (chunk) => { body += chunk; if (body.length > 4096) req.destroy(); });
        req.on("end", () => {
          let request: { cmd?: unknown; args?: unknown };
          try { request = JSON.parse(body); } catch { return json(400, { error: "body is not JSON" }); }
          if (typeof request.cmd !== "string") return json(400, { error: "cmd must be a string" });
          this.command(device, request.cmd, (request.args ?? {}) as Record<string, unknown>)
            .then((reply) => json(200, reply), (e) => json(e.status ?? 500, { error: e.message }));
        });
        return;
      }
    }
    if (this.#options.extraRoutes?.(req, res)) return;
    json(404, { error: "not found" });
  }
}
