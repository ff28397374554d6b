// PostgreSQL, Redis and nginx for a cluster or a test: each from a temporary folder, on a loopback
// port, as a child process stopped by its pid. PostgreSQL refuses to run as root, so initdb and
// postgres run as the `postgres` user (setpriv execs, so the pid is postgres's own).

import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Child, EngineMissing, freePort, program } from "./processes.js";

const PG_BIN = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];

export interface Engine { child: Child; url: string; port: number; dir: string; restart(kill?: boolean, downMs?: number): Promise<void>; stop(): Promise<void> }

/** nginx, which can also be given other upstreams while it runs. */
export interface NginxEngine extends Engine { reconfigure(upstreams: number[]): Promise<void> }

function asPostgres(): string[] {
  if (process.getuid?.() !== 0) return [];
  const user = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  if (user.status !== 0) throw new EngineMissing("PostgreSQL will not run as root and there is no `postgres` user: apt-get install postgresql");
  return [program("setpriv", ["/usr/bin/setpriv"], "util-linux"), "--reuid=postgres", "--regid=postgres", "--init-groups", "--"];
}

/** A fresh PostgreSQL cluster; `durable: false` turns fsync off (tests: no power cut to survive). */
export async function startPostgres(options: { durable?: boolean; maxConnections?: number } = {}): Promise<Engine> {
  const initdb = program("initdb", PG_BIN.map((b) => `${b}/initdb`), "postgresql");
  const postgresBin = join(dirname(initdb), "postgres");
  const dir = mkdtempSync(join(tmpdir(), "fleet-pg-"));
  const wrap = asPostgres();
  if (wrap.length > 0) chownSync(dir, Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout), Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout));
  const [cmd, ...pre] = wrap.length > 0 ? wrap : [initdb];
  const init = spawnSync(cmd, [...pre, ...(wrap.length > 0 ? [initdb] : []), "-D", join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const args = ["-D", join(dir, "data"), "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1",
    "-c", `max_connections=${options.maxConnections ?? 200}`, "-c", `fsync=${options.durable === false ? "off" : "on"}`, "-c", "log_min_messages=warning"];
  const launch = () => {
    const child = wrap.length > 0 ? new Child("postgres", wrap[0], [...wrap.slice(1), postgresBin, ...args], process.env, "SIGQUIT")
      : new Child("postgres", postgresBin, args, process.env, "SIGQUIT");
    return child.ready(/ready to accept connections/).then(() => child);
  };
  const engine: Engine = {
    child: await launch(), url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir,
    async restart(kill = false, downMs = 0) {
      await engine.child.stop(kill ? "SIGKILL" : "SIGINT");
      await new Promise((r) => setTimeout(r, downMs)); // away long enough for clients to notice
      engine.child = await launch();
    },
    async stop() {
      await engine.child.stop("SIGINT"); // fast shutdown: active transactions rolled back, then exit
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return engine;
}

/**
 * Redis with its append-only file, fsynced every second: presence the instances would rebuild, but
 * the sessions ended by a logout must outlive a restart (else a revoked session would be good again).
 */
export async function startRedis(): Promise<Engine> {
  const bin = program("redis-server", ["/usr/bin/redis-server"], "redis-server");
  const dir = mkdtempSync(join(tmpdir(), "fleet-redis-"));
  const port = await freePort();
  const launch = async () => {
    const child = new Child("redis", bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", dir, "--maxclients", "10000"]);
    await child.ready(/Ready to accept connections/);
    return child;
  };
  const engine: Engine = {
    child: await launch(), url: `redis://127.0.0.1:${port}`, port, dir,
    async restart(kill = false) {
      await engine.child.stop(kill ? "SIGKILL" : "SIGTERM");
      engine.child = await launch();
    },
    async stop() {
      await engine.child.stop("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return engine;
}

export interface NginxSettings { upstreams: number[]; readTimeoutSeconds?: number; workerConnections?: number; generation?: number }

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "../../../host/cluster/nginx.conf.template");

/** nginx's configuration from the template in the repo (host/cluster/nginx.conf.template). */
export function nginxConfig(prefix: string, port: number, s: NginxSettings): string {
  const values: Record<string, string> = {
    PREFIX: prefix, PORT: String(port), READ_TIMEOUT: `${s.readTimeoutSeconds ?? 60}s`,
    WORKER_CONNECTIONS: String(s.workerConnections ?? 4096), GENERATION: String(s.generation ?? 0), UPSTREAMS: s.upstreams.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join("\n    "),
  };
  return readFileSync(TEMPLATE, "utf8").replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? `{{${key}}}`);
}

export async function startNginx(settings: NginxSettings): Promise<NginxEngine> {
  const bin = program("nginx", ["/usr/sbin/nginx"], "nginx");
  const dir = mkdtempSync(join(tmpdir(), "fleet-nginx-"));
  const port = await freePort();
  let generation = settings.generation ?? 0;
  writeFileSync(join(dir, "nginx.conf"), nginxConfig(dir, port, settings));
  const launch = async () => {
    const child = new Child("nginx", bin, ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], process.env, "SIGTERM");
    const deadline = Date.now() + 10_000;
    // nginx prints nothing when it starts: ready once its port answers
    while (!(await portOpen(port))) {
      if (!child.running) throw new Error(`nginx exited: ${child.output}${safeRead(join(dir, "error.log"))}`);
      if (Date.now() > deadline) throw new Error("nginx not listening in 10 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    return child;
  };
  const engine: NginxEngine = {
    child: await launch(), url: `http://127.0.0.1:${port}`, port, dir,
    async restart() { await engine.child.stop("SIGTERM"); engine.child = await launch(); },
    // SIGHUP: nginx reads its configuration again and starts new workers (open connections stay
    // with the old ones); done once new connections meet the new generation three times in a row
    async reconfigure(upstreams) {
      const next = (generation += 1);
      writeFileSync(join(dir, "nginx.conf"), nginxConfig(dir, port, { ...settings, upstreams, generation: next }));
      engine.child.process.kill("SIGHUP");
      const deadline = Date.now() + 10_000;
      for (let seen = 0; seen < 3;) {
        if (Date.now() > deadline) throw new Error(`nginx did not take configuration ${next} in 10 s`);
        const answer = await fetch(`http://127.0.0.1:${port}/nginx-generation`, { headers: { Connection: "close" } })
          .then((r) => r.text(), () => "");
        seen = answer === String(next) ? seen + 1 : 0;
        if (seen < 3) await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      await engine.child.stop("SIGTERM", 3000); // fast shutdown: open connections are closed, then it exits
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return engine;
}

function safeRead(path: string): string {
  try { return readFileSync(path, "utf8"); } catch { return ""; }
}

async function portOpen(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}
