// The dashboard's live feed: one WebSocket per open dashboard, sent every change as it happens
// (devices, new samples, command replies) instead of the dashboard polling the API. Device list
// updates are coalesced to one per `coalesceMs`; a dashboard that reads too slowly is dropped.
// In a cluster, `relay` (cluster-bus.ts) carries what this instance broadcasts to the others, and
// they hand it to their dashboards with deliver(); only while some other instance has a dashboard
// open (`othersWatching`): with none open anywhere, nothing is built or published per batch.

import type { WebSocket } from "ws";

const MAX_BUFFERED = 4 << 20;

export class LiveFeed {
  readonly #clients = new Set<WebSocket>();
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

  constructor(devices: () => Promise<unknown>, coalesceMs = 250) {
    this.#devices = devices;
    this.#coalesceMs = coalesceMs;
  }

  get size(): number { return this.#clients.size; }

  /** Whether any dashboard, here or on another instance, would see a broadcast. */
  get watched(): boolean { return this.#clients.size > 0 || this.othersWatching(); }

  add(ws: WebSocket): void {
    this.#clients.add(ws);
    this.onWatchers?.(this.#clients.size);
    ws.on("close", () => {
      this.#clients.delete(ws);
      this.onWatchers?.(this.#clients.size);
    });
    ws.on("error", () => undefined);
    ws.on("message", () => ws.close(1008, "READ_ONLY: the live feed takes no messages"));
    void this.#devices().then((devices) => this.#send(ws, { type: "devices", devices }), () => undefined);
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
    for (const ws of this.#clients) this.#send(ws, text);
  }

  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    for (const ws of this.#clients) ws.close(1001, "STOPPING: server stopping");
    this.#clients.clear();
  }

  #send(ws: WebSocket, message: string | Record<string, unknown>): void {
    if (ws.bufferedAmount > MAX_BUFFERED) return void ws.terminate();
    ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }
}
