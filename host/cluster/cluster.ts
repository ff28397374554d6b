// A cluster on this machine: PostgreSQL, Redis, N companion instances (host/cluster/instance.ts) and
// nginx in front, each from a temporary folder on a loopback port. Used by `npm run cluster`, the
// fleet tests and the fleet bench; stop() stops everything it started, by pid.

import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Child, freePort } from "./processes.js";
import { type Engine, type NginxEngine, startNginx, startPostgres, startRedis } from "./engines.js";

const INSTANCE = fileURLToPath(new URL("./instance.js", import.meta.url));

export interface ClusterSettings {
  instances: number;
  /** nginx's proxy_read_timeout, seconds. */
  readTimeoutSeconds?: number;
  pingMs?: number;
  /** PostgreSQL's fsync (tests turn it off). */
  durable?: boolean;
  /** Extra environment for every instance. */
  env?: Record<string, string>;
  workerConnections?: number;
  /** Node flags for every instance (the bench: --expose-gc). */
  nodeArgs?: string[];
}

export class Cluster {
  postgres!: Engine;
  redis!: Engine;
  nginx!: NginxEngine;
  readonly instances: { id: string; port: number; child: Child }[] = [];
  readonly settings: ClusterSettings;
  /** Signs operator sessions, so that one made on any instance is good on every other (nginx may send each request elsewhere). */
  readonly #sessionSecret = randomBytes(32).toString("base64url");

  constructor(settings: ClusterSettings) { this.settings = settings; }

  get url(): string { return this.nginx.url; }

  /** Starts everything; if any part fails, what was started is stopped and the error thrown. */
  async start(): Promise<this> {
    try {
      this.postgres = await startPostgres({ durable: this.settings.durable });
      this.redis = await startRedis();
      for (let i = 0; i < this.settings.instances; i++) {
        const id = `i${i + 1}`, port = await freePort();
        this.instances.push({ id, port, child: await this.#instance(id, port) });
      }
      this.nginx = await startNginx({ upstreams: this.instances.map((i) => i.port), readTimeoutSeconds: this.settings.readTimeoutSeconds, workerConnections: this.settings.workerConnections });
      return this;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async #instance(id: string, port: number): Promise<Child> {
    const child = new Child(`instance ${id}`, process.execPath, [...(this.settings.nodeArgs ?? []), INSTANCE], {
      ...process.env, PORT: String(port), COMPANION_INSTANCE: id, COMPANION_POSTGRES_URL: this.postgres.url, COMPANION_REDIS_URL: this.redis.url,
      LOG_LEVEL: "error", COMPANION_SESSION_SECRET: this.#sessionSecret, COMPANION_TRUST_PROXY: "loopback", ...(this.settings.pingMs ? { COMPANION_PING_MS: String(this.settings.pingMs) } : {}), ...this.settings.env,
    });
    await child.ready(/listening on \d+/);
    return child;
  }

  /** The instance's own URL (bypassing nginx). */
  direct(id: string): string {
    return `http://127.0.0.1:${this.instances.find((i) => i.id === id)!.port}`;
  }

  /** kill -9: the instance dies as in a crash, its connections dropped without a close. */
  async kill(id: string): Promise<void> {
    await this.instances.find((i) => i.id === id)!.child.stop("SIGKILL");
  }

  /**
   * Starts a killed instance again on its port (nginx knows it by that port). The port can be taken
   * meanwhile: another process on this shared machine probing for a free port listens on it briefly,
   * or keeps it (seen twice in full suites: EADDRINUSE, once past 3 s of attempts). After a few
   * attempts the instance takes a new free port and nginx is given the new upstreams.
   */
  async revive(id: string): Promise<void> {
    const entry = this.instances.find((i) => i.id === id)!;
    for (let attempt = 1; ; attempt++) {
      try {
        entry.child = await this.#instance(id, entry.port);
        return;
      } catch (e) {
        if (!/EADDRINUSE/.test((e as Error).message)) throw e;
        if (attempt >= 5) break;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    entry.port = await freePort();
    entry.child = await this.#instance(id, entry.port);
    await this.nginx.reconfigure(this.instances.map((i) => i.port));
  }

  async stop(): Promise<void> {
    await this.nginx?.stop();
    await Promise.all(this.instances.map((i) => i.child.stop("SIGTERM")));
    await this.redis?.stop();
    await this.postgres?.stop();
  }
}
