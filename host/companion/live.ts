// The dashboard's live feed: one WebSocket per open dashboard, sent every change as it happens
// (devices, new samples, command replies) instead of the dashboard polling the API. Device list
// updates are coalesced to one per `coalesceMs`; a dashboard that reads too slowly is dropped.
// In a cluster, `relay` (cluster-bus.ts) carries what this instance broadcasts to the others, and
// they hand it to their dashboards with deliver(); only while some other instance has a dashboard
// open (`othersWatching`): with none open anywhere, nothing is built or published per batch.
// Each feed lives only as long as the operator session that opened it: a logout here closes its
// feeds at once, and every `recheckMs` each feed's session is checked again (`sessionValid`), so a
// logout on another instance of the cluster or an expiry closes it too. While the cluster cannot tell
// (Redis away) a feed stays: the next check that can tell closes it, and a short outage logs no one out.

import type { WebSocket } from "ws";

const MAX_BUFFERED = 4 << 20;
/** The close a feed gets when its session has ended (logout or expiry): the dashboard must log in again. */
export const LOGGED_OUT = { code: 1008, reason: "LOGGED_OUT: the operator session ended" };

export class LiveFeed {
  /** Each open dashboard's socket, with the session cookie it was opened with. */
  readonly #clients = new Map<WebSocket, string | undefined>();
  /** Set by the server: whether a session is still good (ended on no instance, not expired); rejects when unknown. */
  sessionValid: ((id: string | undefined) => Promise<boolean>) | null = null;
  readonly #recheckMs: number;
  #recheck: NodeJS.Timeout | null = null;
  /** A check is under way: a slow store (a half-open Redis link) gets no second one on top. */
  #checking = false;
  readonly #devices: () => Promise<unknown>;
  /** Set by the cluster: a broadcast or a device list change made here, for the other instances. */
  relay: ((message: Record<string, unknown> | "devices") => void) | null = null;
  /** Set by the cluster: whether a dashboard is open on another instance. */
  othersWatching: () => boolean = () => false;
  /** Set by the cluster: told how many dashboards are open here, on every change. */
  onWatchers: ((count: number) => void) | null = null;
  readonly #coalesceMs: number;
  #timer: NodeJS.Timeout | null = null;
  /** A change made here is waiting for the coalesced relay to the other instances. */
  #mustRelay = false;

  constructor(devices: () => Promise<unknown>, coalesceMs = 250, recheckMs = 5000) {
    this.#devices = devices;
    this.#coalesceMs = coalesceMs;
    this.#recheckMs = recheckMs;
  }

  get size(): number { return this.#clients.size; }

  /** Whether any dashboard, here or on another instance, would see a broadcast. */
  get watched(): boolean { return this.#clients.size > 0 || this.othersWatching(); }

  /** A dashboard's feed, opened with the operator session `session` (its cookie). */
  add(ws: WebSocket, session?: string): void {
    this.#clients.set(ws, session);
    this.onWatchers?.(this.#clients.size);
    if (this.sessionValid !== null) this.#recheck ??= setInterval(() => void this.#checkSessions(), this.#recheckMs).unref();
    ws.on("close", () => {
      this.#clients.delete(ws);
      this.onWatchers?.(this.#clients.size);
      if (this.#clients.size === 0 && this.#recheck !== null) {
        clearInterval(this.#recheck);
        this.#recheck = null;
      }
    });
    ws.on("error", () => undefined);
    ws.on("message", () => ws.close(1008, "READ_ONLY: the live feed takes no messages"));
    void this.#devices().then((devices) => this.#send(ws, { type: "devices", devices }), () => undefined);
  }

  /** The session ended here (a logout): its feeds close now. */
  sessionEnded(id: string | undefined): void {
    if (id === undefined) return;
    for (const [ws, session] of this.#clients) if (session === id) ws.close(LOGGED_OUT.code, LOGGED_OUT.reason);
  }

  async #checkSessions(): Promise<void> {
    const valid = this.sessionValid;
    if (valid === null || this.#checking) return;
    this.#checking = true;
    try {
      await Promise.all([...this.#clients].map(([ws, id]) => valid(id).then(
        (good) => { if (!good) ws.close(LOGGED_OUT.code, LOGGED_OUT.reason); },
        () => undefined))); // unknown (Redis away): kept until a check can tell
    } finally {
      this.#checking = false;
    }
  }

  /** The device list changed: every dashboard gets it, at most once per coalescing period. */
  devicesChanged(relayed = false): void {
    if (!relayed && this.relay !== null && this.othersWatching()) this.#mustRelay = true;
    if (this.#timer !== null || (this.#clients.size === 0 && !this.#mustRelay)) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#mustRelay) this.relay?.("devices");
      this.#mustRelay = false;
      if (this.#clients.size > 0) void this.#devices().then((devices) => this.deliver({ type: "devices", devices }), () => undefined);
    }, this.#coalesceMs);
  }

  broadcast(message: Record<string, unknown>): void {
    if (this.othersWatching()) this.relay?.(message);
    this.deliver(message);
  }

  /** To this instance's dashboards only. */
  deliver(message: Record<string, unknown>): void {
    if (this.#clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const ws of this.#clients.keys()) this.#send(ws, text);
  }

  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#recheck !== null) clearInterval(this.#recheck);
    this.#recheck = null;
    for (const ws of this.#clients.keys()) ws.close(1001, "STOPPING: server stopping");
    this.#clients.clear();
  }

  #send(ws: WebSocket, message: string | Record<string, unknown>): void {
    if (ws.bufferedAmount > MAX_BUFFERED) return void ws.terminate();
    ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }
}
