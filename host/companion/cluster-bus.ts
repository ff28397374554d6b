// The instances of a cluster, joined through Redis (no relay of our own): which instance holds each
// device is a key with an expiry that every liveness round refreshes; a command for a device held
// elsewhere is published to the holder's channel and its reply published back to the asker's; what
// one instance broadcasts to its dashboards is published once and delivered by every other instance,
// and only while some other instance has a dashboard open: an instance subscribes to the live
// channel only while it has dashboards, and the others read the channel's subscriber count
// (PUBSUB NUMSUB, every `watchPollMs`) to know whether publishing reaches anyone.
// Newest connection wins: claiming a device returns the previous holder, which is told to close its
// link, and a holder whose refresh finds another instance's claim closes its own.

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { createClient, type RedisClientType } from "redis";
import type { CompanionServer } from "./companion-server.js";
import { CommandFailure, type DeviceLinks, type Presence } from "./device-links.js";
import type { LiveFeed } from "./live.js";
import type { Store } from "./store-types.js";

const KEY = (device: string) => `companion:device:${device}`;
const INBOX = (instance: string) => `companion:instance:${instance}`;
const LIVE = "companion:live";

/** Sets the holder's "instance rtt" if no one holds the device or this instance does; 0 when another does. */
const REFRESH = `local v = redis.call('GET', KEYS[1])
if (not v) or string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
  redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;
/** Deletes the key only while this instance is the holder (a newer holder's claim stays). */
const RELEASE = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then return redis.call('DEL', KEYS[1]) end
return 0`;

type Inbox =
  | { type: "replaced" | "disconnect"; device: string }
  | { type: "command"; id: string; from: string; device: string; cmd: string; args: Record<string, unknown> }
  | { type: "reply"; id: string; ok: true; reply: unknown }
  | { type: "reply"; id: string; ok: false; code: string; status: number; message: string };

export interface ClusterOptions {
  /** redis://127.0.0.1:PORT */
  redisUrl: string;
  /** This instance's id: unique in the cluster (host-pid-random by default). */
  instance?: string;
  /** Ms a holder's claim lasts unless refreshed; three ping intervals by default. */
  claimTtl?: number;
  /** Ms to wait for a routed command's reply: the command timeout plus this margin. */
  routeMargin?: number;
  /** Ms between reads of how many instances have dashboards open (500). */
  watchPollMs?: number;
}

export class ClusterBus implements Presence {
  readonly instance: string;
  readonly stats = { routed: 0, served: 0, replacedElsewhere: 0, relayed: 0, redisErrors: 0 };
  readonly #client: RedisClientType;
  readonly #subscriber: RedisClientType;
  readonly #options: ClusterOptions;
  readonly #waiting = new Map<string, (answer: Extract<Inbox, { type: "reply" }>) => void>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #links!: DeviceLinks;
  #live!: LiveFeed;
  #ttl = 30_000;
  /** Other instances with a dashboard open, as last read; whether this one is subscribed to LIVE. */
  #othersWatching = 0;
  #watching = false;
  #watchTimer: NodeJS.Timeout | null = null;
  #commandTimeout = 5000;
  #next = 1;

  private constructor(options: ClusterOptions, client: RedisClientType, subscriber: RedisClientType) {
    this.#options = options;
    this.instance = options.instance ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.#client = client;
    this.#subscriber = subscriber;
  }

  /** The command client: also for what authentication shares (cluster-auth.ts). */
  get redis(): RedisClientType { return this.#client; }

  /** Connects both clients (commands, and subscriptions) and subscribes; fails if Redis cannot be reached. */
  static async connect(options: ClusterOptions): Promise<ClusterBus> {
    // no offline queue: while Redis is away commands fail at once (and are retried by the next
    // liveness round) instead of piling up; the clients reconnect, and resubscribe, by themselves
    const client = createClient({ url: options.redisUrl, disableOfflineQueue: true,
      socket: { connectTimeout: 3000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) } }) as RedisClientType;
    const subscriber = client.duplicate() as RedisClientType;
    const bus = new ClusterBus(options, client, subscriber);
    for (const c of [client, subscriber]) c.on("error", () => bus.stats.redisErrors++);
    await Promise.all([client.connect(), subscriber.connect()]);
    await subscriber.subscribe(INBOX(bus.instance), (text: string) => bus.#inbox(JSON.parse(text) as Inbox));
    return bus;
  }

  /** For CompanionOptions.cluster: joins the server's links and live feed to the cluster. */
  attach<S extends Store>(server: CompanionServer<S>, pingInterval: number, commandTimeout: number): void {
    this.#links = server.links;
    this.#live = server.live;
    this.#ttl = this.#options.claimTtl ?? 3 * pingInterval;
    this.#commandTimeout = commandTimeout;
    server.links.presence = this;
    server.live.relay = (message) => this.#track(this.#client.publish(LIVE, JSON.stringify({ from: this.instance, message })));
    server.live.othersWatching = () => this.#othersWatching > 0;
    server.live.onWatchers = (count) => this.#watch(count > 0);
    this.#watchTimer = setInterval(() => void this.#countWatchers(), this.#options.watchPollMs ?? 500);
    server.app.addHook("onSend", async (_request, reply) => void reply.header("X-Companion-Instance", this.instance));
  }

  claimed(device: string): void {
    const claim = this.#client.sendCommand(["SET", KEY(device), `${this.instance} -`, "PX", String(this.#ttl), "GET"]) as Promise<string | null>;
    this.#track(claim.then((previous) => {
      const holder = previous?.split(" ")[0];
      if (holder !== undefined && holder !== this.instance) this.#send(holder, { type: "replaced", device });
    }));
  }

  released(device: string): void {
    this.#track(this.#client.sendCommand(["EVAL", RELEASE, "1", KEY(device), this.instance]));
  }

  refresh(held: Map<string, number | null>): void {
    for (const [device, rtt] of held) {
      const set = this.#client.sendCommand(["EVAL", REFRESH, "1", KEY(device), this.instance, rtt === null ? "-" : String(rtt), String(this.#ttl)]);
      this.#track(set.then((done) => {
        if (Number(done) === 0) {
          this.stats.replacedElsewhere++;
          this.#links.replaced(device); // another instance claimed it since: its connection is the newer one
        }
      }));
    }
  }

  async where(devices: string[]): Promise<Map<string, { rtt: number | null }>> {
    const found = new Map<string, { rtt: number | null }>();
    if (devices.length === 0) return found;
    const values = await this.#client.mGet(devices.map(KEY)).catch(() => devices.map(() => null));
    values.forEach((v, i) => {
      if (typeof v !== "string") return;
      const rtt = v.split(" ")[1];
      found.set(devices[i], { rtt: rtt === undefined || rtt === "-" ? null : Number(rtt) });
    });
    return found;
  }

  async route(device: string, cmd: string, args: Record<string, unknown>): Promise<unknown> {
    const offline = () => new CommandFailure("DEVICE_OFFLINE", 409, `device ${device} is offline`);
    const value = await this.#client.get(KEY(device)).catch(() => {
      throw new CommandFailure("CLUSTER_UNAVAILABLE", 503, "Redis cannot be reached: where the device is held is unknown");
    });
    const holder = value?.split(" ")[0];
    if (holder === undefined || holder === this.instance) throw offline();
    const id = `${this.instance}:${this.#next++}`;
    const answer = new Promise<Extract<Inbox, { type: "reply" }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new CommandFailure("NO_REPLY", 504, "no reply in time"));
      }, this.#commandTimeout + (this.#options.routeMargin ?? 1000));
      this.#waiting.set(id, (reply) => { clearTimeout(timer); this.#waiting.delete(id); resolve(reply); });
    });
    this.stats.routed++;
    const receivers = await this.#client.publish(INBOX(holder), JSON.stringify({ type: "command", id, from: this.instance, device, cmd, args }))
      .catch(() => 0);
    if (receivers === 0) {
      this.#waiting.get(id)?.({ type: "reply", id, ok: false, code: "DEVICE_OFFLINE", status: 409, message: `device ${device} is offline` });
    }
    const reply = await answer;
    if (!reply.ok) throw new CommandFailure(reply.code, reply.status, reply.message);
    return reply.reply;
  }

  /** Tells the instance holding `device` to close its link (a device removed by an operator). */
  async disconnect(device: string): Promise<void> {
    const holder = (await this.#client.get(KEY(device)).catch(() => null))?.split(" ")[0];
    if (holder !== undefined && holder !== this.instance) this.#send(holder, { type: "disconnect", device });
  }

  /** Waits for the commands in flight (the server's releases), then leaves Redis. */
  async close(): Promise<void> {
    if (this.#watchTimer !== null) clearInterval(this.#watchTimer);
    await Promise.allSettled([...this.#inFlight]);
    await Promise.allSettled([this.#subscriber.close(), this.#client.close()]);
  }

  #inbox(message: Inbox): void {
    if (message.type === "replaced") return this.#links.replaced(message.device);
    if (message.type === "disconnect") return this.#links.disconnect(message.device);
    if (message.type === "reply") return this.#waiting.get(message.id)?.(message);
    if (message.type !== "command") return;
    this.stats.served++;
    const { id, from, device, cmd, args } = message;
    this.#track(this.#links.command(device, cmd, args, true).then(
      (reply) => this.#send(from, { type: "reply", id, ok: true, reply }),
      (e: unknown) => {
        const f = e instanceof CommandFailure ? e : new CommandFailure("FAILED", 500, String(e));
        this.#send(from, { type: "reply", id, ok: false, code: f.code, status: f.status, message: f.message });
      }));
  }

  /** Subscribes to the live channel while this instance has dashboards, so that the others count it. */
  #watch(watching: boolean): void {
    if (watching === this.#watching) return;
    this.#watching = watching;
    const change = watching
      ? this.#subscriber.subscribe(LIVE, (text: string) => this.#relayed(JSON.parse(text) as { from: string; message: Record<string, unknown> | "devices" }))
      : this.#subscriber.unsubscribe(LIVE);
    // Redis away: not (un)subscribed after all; the next count tries again
    this.#track(change.catch((e: unknown) => {
      if (this.#watching === watching) this.#watching = !watching;
      throw e;
    }));
  }

  async #countWatchers(): Promise<void> {
    this.#watch(this.#live.size > 0);
    try {
      const counts = await this.#client.pubSubNumSub(LIVE);
      this.#othersWatching = Number(counts[LIVE] ?? 0) - (this.#watching ? 1 : 0);
    } catch {
      // Redis away: the last count stands (publishes fail meanwhile anyway)
    }
  }

  #relayed({ from, message }: { from: string; message: Record<string, unknown> | "devices" }): void {
    if (from === this.instance) return;
    this.stats.relayed++;
    if (message === "devices") this.#live.devicesChanged(true);
    else this.#live.deliver(message);
  }

  #send(instance: string, message: Inbox): void {
    this.#track(this.#client.publish(INBOX(instance), JSON.stringify(message)));
  }

  /** Keeps a Redis command until it settles (close() waits for them); its failure is counted, never thrown. */
  #track(p: Promise<unknown>): void {
    const tracked = p.catch(() => void this.stats.redisErrors++);
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }
}
