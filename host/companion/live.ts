// The dashboard's live feed: one WebSocket per open dashboard, sent every change as it happens
// (devices, new samples, command replies) instead of the dashboard polling the API. Device list
// updates are coalesced to one per `coalesceMs`; a dashboard that reads too slowly is dropped.

import type { WebSocket } from "ws";

const MAX_BUFFERED = 4 << 20;

export class LiveFeed {
  readonly #clients = new Set<WebSocket>();
  readonly #devices: () => unknown;
  readonly #coalesceMs: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(devices: () => unknown, coalesceMs = 250) {
    this.#devices = devices;
    this.#coalesceMs = coalesceMs;
  }

  get size(): number { return this.#clients.size; }

  add(ws: WebSocket): void {
    this.#clients.add(ws);
    ws.on("close", () => this.#clients.delete(ws));
    ws.on("error", () => undefined);
    ws.on("message", () => ws.close(1008, "READ_ONLY: the live feed takes no messages"));
    this.#send(ws, { type: "devices", devices: this.#devices() });
  }

  /** The device list changed: every dashboard gets it, at most once per coalescing period. */
  devicesChanged(): void {
    if (this.#timer !== null || this.#clients.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.broadcast({ type: "devices", devices: this.#devices() });
    }, this.#coalesceMs);
  }

  broadcast(message: Record<string, unknown>): void {
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
