// The devices' WebSocket links: batches are decoded, committed, then acknowledged; text messages
// are checked against their schemas; commands wait for their replies. Liveness: every link is
// pinged each `pingInterval` ms; one silent for twice that is offline at once, its connection
// closed and its pending commands failed, and its round trip "unknown" (null). The store may be
// asynchronous (PostgreSQL): each link's store work runs in order on its own chain, so acks leave
// in order and only after their commit; a store that fails closes the link with 1011, and the
// device resends what was not acknowledged. In a cluster, `presence` (cluster-bus.ts) records which
// instance holds each device and carries commands for devices held elsewhere.

import type { WebSocket } from "ws";
import { type Batch, decodeBatch, StreamFormatError } from "../../firmware/app/stream-format.js";
import { firstError, isHello, isReply } from "./schemas.js";
import type { Awaitable, Store, StoredSample } from "./store-types.js";

/** Close codes the server uses on a device link (with a reason starting with the error's code). */
export const CLOSE = { REPLACED: 4000, REVOKED: 4001, OLD_FORMAT: 4002, SILENT: 4008, BAD_BATCH: 1007, BAD_MESSAGE: 1008, STOPPING: 1001, STORE_FAILED: 1011 } as const;

export class CommandFailure extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

interface Link {
  ws: WebSocket; boot: number | null; channels: number; rtt: number | null; lastHeard: number; pingSent: number;
  pending: Map<number, { resolve(reply: unknown): void; reject(e: CommandFailure): void }>;
  /** The link's store work, in order: each step starts when the one before settled. */
  chain: Promise<void>;
}

/** Where devices are held across a cluster's instances (cluster-bus.ts); absent on one instance. */
export interface Presence {
  claimed(device: string): void;
  released(device: string): void;
  /** Liveness round: the devices held here, with their round trips. */
  refresh(held: Map<string, number | null>): void;
  /** A command for a device not held here: to the instance holding it, or DEVICE_OFFLINE. */
  route(device: string, cmd: string, args: Record<string, unknown>): Promise<unknown>;
  /** For each device, whether some instance holds it, and its round trip there. */
  where(devices: string[]): Promise<Map<string, { rtt: number | null }>>;
}

export interface LinkEvents {
  changed(device: string): void;
  samples(device: string, samples: StoredSample[]): void;
  /** Whether any dashboard would see them: if not, samples() is not called (nothing built per batch). */
  watched(): boolean;
  /** Which devices still hold a credential: one revoked is disconnected at the next ping. */
  holding(devices: string[]): Awaitable<Set<string>>;
}

/** Longest command message a device takes (firmware/app/commands.ts MAX_COMMAND_LENGTH). */
const MAX_COMMAND_TEXT = 1024;

export class DeviceLinks {
  readonly stats = { batches: 0, samples: 0, duplicates: 0, malformed: 0, refused: 0, offline: 0, storeFailures: 0 };
  readonly #links = new Map<string, Link>();
  readonly #store: Store;
  readonly #working = new Set<Promise<void>>();
  presence: Presence | null = null;
  readonly #events: LinkEvents;
  readonly #pingInterval: number;
  readonly #commandTimeout: number;
  readonly #timer: NodeJS.Timeout;
  #nextCommand = 1;

  constructor(store: Store, events: LinkEvents, pingInterval: number, commandTimeout: number) {
    this.#store = store;
    this.#events = events;
    this.#pingInterval = pingInterval;
    this.#commandTimeout = commandTimeout;
    this.#timer = setInterval(() => void this.#checkLiveness(), pingInterval);
  }

  online(device: string): boolean { return this.#links.has(device); }
  rtt(device: string): number | null { return this.#links.get(device)?.rtt ?? null; }

  /** Devices held here. */
  held(): string[] { return [...this.#links.keys()]; }

  /** Resolves when every link's store work in flight has settled. */
  async settled(): Promise<void> {
    while (this.#working.size > 0) await Promise.allSettled([...this.#working]);
  }

  attach(device: string, ws: WebSocket): void {
    this.replaced(device);
    const link: Link = { ws, boot: null, channels: 0, rtt: null, lastHeard: Date.now(), pingSent: 0, pending: new Map(), chain: Promise.resolve() };
    this.#links.set(device, link);
    this.presence?.claimed(device);
    const now = Date.now();
    this.#work(device, link, () => this.#store.seen(device, now));
    ws.on("message", (data: Buffer, binary: boolean) => {
      link.lastHeard = Date.now();
      if (binary) this.#batch(device, link, data);
      else this.#text(device, link, data.toString());
    });
    ws.on("pong", () => {
      link.lastHeard = Date.now();
      if (link.pingSent > 0) link.rtt = link.lastHeard - link.pingSent;
      link.pingSent = 0;
    });
    ws.on("close", () => this.#detach(device, link, "DEVICE_DISCONNECTED"));
    ws.on("error", () => undefined);
    link.pingSent = Date.now(); // a first round trip at once, not one ping interval later
    ws.ping();
    this.#events.changed(device);
  }

  /** Sends a command and resolves with the device's reply; rejects with a CommandFailure. `hereOnly`: never routed. */
  command(device: string, cmd: string, args: Record<string, unknown>, hereOnly = false): Promise<unknown> {
    const link = this.#links.get(device);
    if (!link && this.presence !== null && !hereOnly) return this.presence.route(device, cmd, args);
    if (!link) return Promise.reject(new CommandFailure("DEVICE_OFFLINE", 409, `device ${device} is offline`));
    const id = this.#nextCommand++;
    const text = JSON.stringify({ id, cmd, args });
    if (text.length > MAX_COMMAND_TEXT) {
      return Promise.reject(new CommandFailure("COMMAND_TOO_LONG", 413, `a command is at most ${MAX_COMMAND_TEXT} characters`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        link.pending.delete(id);
        reject(new CommandFailure("NO_REPLY", 504, "no reply in time"));
      }, this.#commandTimeout);
      link.pending.set(id, {
        resolve: (reply) => { clearTimeout(timer); resolve(reply); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      link.ws.send(text);
    });
  }

  /** Closes every link: as a crash would look to the devices (`abrupt`), or with 1001. */
  closeAll(abrupt: boolean): void {
    clearInterval(this.#timer);
    for (const [device, link] of this.#links) {
      if (abrupt) link.ws.terminate();
      else link.ws.close(CLOSE.STOPPING, "STOPPING: server stopping");
      this.#detach(device, link, "SERVER_STOPPING");
    }
  }

  /** A newer connection of the device (here, or on another instance): the one held here is closed. */
  replaced(device: string): void {
    this.#links.get(device)?.ws.close(CLOSE.REPLACED, "REPLACED: a new connection of this device");
  }

  /** Forgets a device's link (when the device is removed): it is closed. */
  disconnect(device: string): void {
    const link = this.#links.get(device);
    if (link) link.ws.close(CLOSE.REPLACED, "REMOVED: device removed by an operator");
  }

  #detach(device: string, link: Link, code: string): void {
    if (this.#links.get(device) !== link) return;
    this.#links.delete(device);
    this.presence?.released(device);
    for (const waiter of link.pending.values()) waiter.reject(new CommandFailure(code, 503, `device ${device} went offline`));
    link.pending.clear();
    this.#events.changed(device);
  }

  /** Runs one step of a link's store work after the ones before it; a store failure closes the link. */
  #work(device: string, link: Link, step: () => Awaitable<unknown>, then?: (result: unknown) => void): void {
    const run = link.chain.then(async () => {
      if (this.#links.get(device) !== link) return; // closed meanwhile: the device resends what was not acknowledged
      try {
        const result = await step();
        then?.(result);
      } catch (e) {
        this.stats.storeFailures++;
        link.ws.close(CLOSE.STORE_FAILED, `STORE_FAILED: ${(e as Error).message}`.slice(0, 120));
        this.#detach(device, link, "STORE_FAILED");
      }
    });
    link.chain = run;
    this.#working.add(run);
    void run.finally(() => this.#working.delete(run));
  }

  async #checkLiveness(): Promise<void> {
    const asked = [...this.#links.keys()];
    let holding: Set<string>;
    try {
      holding = await this.#events.holding(asked);
    } catch {
      holding = new Set(asked); // the credential store is unreachable: no one is revoked for it
    }
    const checked = new Set(asked); // a device that connected while the store answered was checked as it connected
    const now = Date.now();
    for (const [device, link] of this.#links) {
      if (checked.has(device) && !holding.has(device)) {
        link.ws.close(CLOSE.REVOKED, "REVOKED: this device's token was revoked");
        this.#detach(device, link, "DEVICE_REVOKED");
        continue;
      }
      if (now - link.lastHeard > 2 * this.#pingInterval) {
        this.stats.offline++;
        link.rtt = null;
        link.ws.terminate(); // no close handshake with a peer that does not answer
        this.#detach(device, link, "DEVICE_SILENT");
        continue;
      }
      if (link.pingSent > 0) link.rtt = null; // the last ping went unanswered: the round trip is unknown
      link.pingSent = now;
      link.ws.ping();
    }
    this.presence?.refresh(new Map([...this.#links].map(([device, link]) => [device, link.rtt])));
  }

  #batch(device: string, link: Link, data: Buffer): void {
    try {
      const batch = decodeBatch(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (batch.deviceId !== device) throw new StreamFormatError("STREAM_WRONG_DEVICE", "batch from another device id");
      if (link.boot !== null && batch.bootId !== link.boot) throw new StreamFormatError("STREAM_WRONG_BOOT", "batch of another boot than the hello's");
      if (link.channels > 0 && batch.channels !== link.channels) throw new StreamFormatError("STREAM_WRONG_CHANNELS", "channels differ from the hello's");
      const store = this.#store;
      this.#work(device, link, () => (store.addGrouped ? store.addGrouped(batch, Date.now()) : store.add(batch, Date.now())), (result) => this.#stored(device, link, batch, result as { added: number; duplicates: number }));
    } catch (e) {
      this.stats.malformed++;
      const code = e instanceof StreamFormatError ? e.code : "STREAM_FAILED";
      if (code === "STREAM_BAD_VERSION") link.ws.close(CLOSE.OLD_FORMAT, `${code}: send stream format 2 (update the firmware)`);
      else link.ws.close(CLOSE.BAD_BATCH, `${code}: ${(e as Error).message}`.slice(0, 120));
    }
  }

  /** A batch is committed: acknowledged, and its new samples go to the live feed. */
  #stored(device: string, link: Link, batch: Batch, { added, duplicates }: { added: number; duplicates: number }): void {
    this.stats.batches++;
    this.stats.samples += added;
    this.stats.duplicates += duplicates;
    const last = batch.firstSequence + batch.readings.length - 1;
    if (batch.readings.length > 0) link.ws.send(`{"type":"ack","boot":${batch.bootId},"seq":${last}}`);
    if (added > 0 && this.#events.watched()) {
      // the new samples are the batch's last `added` (resent duplicates can only lead it)
      const fresh = batch.readings.slice(-added).map((row, k, all) => {
        const at = batch.readings.length - all.length + k;
        return { boot: batch.bootId, seq: batch.firstSequence + at, t: batch.timestamps[at], values: row.map((v) => (Number.isFinite(v) ? v : null)) };
      });
      this.#events.samples(device, fresh);
    }
    this.#events.changed(device);
  }

  #text(device: string, link: Link, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    if (isHello(message)) {
      if (message.device !== device) return this.#refuse(link, "HELLO_WRONG_DEVICE: hello of another device id");
      link.boot = message.boot;
      link.channels = message.channels.length;
      const hello = { channels: message.channels, units: message.units ?? [], commands: message.commands ?? [] }, now = Date.now();
      this.#work(device, link, () => this.#store.hello(device, now, hello), () => this.#events.changed(device));
    } else if (isReply(message)) {
      const waiter = message.id === null ? undefined : link.pending.get(message.id);
      if (waiter !== undefined && message.id !== null) {
        link.pending.delete(message.id);
        waiter.resolve(message);
      }
    } else {
      this.#refuse(link, `BAD_MESSAGE: ${firstError(isHello)}`);
    }
  }

  #refuse(link: Link, reason: string): void {
    this.stats.malformed++;
    link.ws.close(CLOSE.BAD_MESSAGE, reason.slice(0, 120));
  }
}
