// npm start's settings, from the environment, each checked: a bad value is a SettingsError with a
// code and one line saying what to set, never a stack trace. And the banner: the URLs that
// browsers and boards must use, and whether a login is needed.

import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { isLoopback } from "./auth.js";
import type { CompanionOptions } from "./companion-server.js";

export class SettingsError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface StartSettings { server: CompanionOptions; devices: number }

type Env = Record<string, string | undefined>;

function whole(env: Env, key: string, fallback: number, min: number, max: number): number {
  const text = env[key];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new SettingsError("BAD_SETTING", `${key}=${text.slice(0, 40)}: a whole number from ${min} to ${max} is needed`);
  }
  return value;
}

export function readSettings(env: Env): StartSettings {
  const host = env.HOST?.trim() || "127.0.0.1";
  const operatorToken = env.COMPANION_OPERATOR_TOKEN?.trim() || undefined;
  if (operatorToken === undefined && !isLoopback(host)) {
    throw new SettingsError("OPERATOR_TOKEN_REQUIRED", `HOST=${host} lets others in: set COMPANION_OPERATOR_TOKEN too `
      + "(a long random string, e.g. from `openssl rand -hex 24`), which operators type to log in");
  }
  if (operatorToken !== undefined && operatorToken.length < 16) {
    throw new SettingsError("BAD_SETTING", "COMPANION_OPERATOR_TOKEN: at least 16 characters");
  }
  const cert = env.COMPANION_TLS_CERT, key = env.COMPANION_TLS_KEY;
  if ((cert === undefined) !== (key === undefined)) throw new SettingsError("BAD_SETTING", "COMPANION_TLS_CERT and COMPANION_TLS_KEY go together");
  let tls: CompanionOptions["tls"];
  if (cert !== undefined && key !== undefined) {
    try {
      tls = { cert: readFileSync(cert), key: readFileSync(key) };
    } catch (e) {
      throw new SettingsError("BAD_TLS_FILE", `cannot read the TLS certificate or key: ${(e as Error).message}`);
    }
  }
  const days = whole(env, "COMPANION_RETENTION_DAYS", 0, 0, 36_500);
  const proxy = env.COMPANION_TRUST_PROXY?.trim() || undefined;
  if (proxy !== undefined && proxy !== "loopback") {
    throw new SettingsError("BAD_SETTING", `COMPANION_TRUST_PROXY=${proxy.slice(0, 40)}: only "loopback" (a reverse proxy on this machine), or unset`);
  }
  return {
    server: {
      port: whole(env, "PORT", 8080, 0, 65535), host, database: env.COMPANION_DB || "data/companion.db", operatorToken, tls,
      retention: { maxSamples: whole(env, "COMPANION_RETENTION", 100_000, 1, 100_000_000), ...(days > 0 ? { maxAgeMs: days * 86_400_000 } : {}) },
      pingInterval: whole(env, "COMPANION_PING_SECONDS", 10, 1, 3600) * 1000,
      liveRecheckMs: whole(env, "COMPANION_LIVE_RECHECK_MS", 5000, 100, 3_600_000),
      logLevel: env.LOG_LEVEL || "warn", trustProxy: proxy,
    },
    devices: whole(env, "DEVICES", 3, 0, 50),
  };
}

/** The addresses boards on the LAN can reach: every non-internal IPv4 address when listening on all. */
export function reachableHosts(host: string): string[] {
  if (host !== "0.0.0.0" && host !== "::") return [host];
  const found = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === "IPv4" && !a.internal).map((a) => a!.address);
  return found.length > 0 ? found : ["127.0.0.1"];
}

export function banner(options: CompanionOptions, port: number, serverOnly: boolean): string[] {
  const host = options.host ?? "127.0.0.1";
  const [web, ws] = options.tls ? ["https", "wss"] : ["http", "ws"];
  const hosts = reachableHosts(host);
  const lines = [options.operatorToken === undefined
    ? "companion server in DEVELOPMENT MODE: no login (COMPANION_OPERATOR_TOKEN unset), so it listens on loopback only"
    : "companion server: operators log in with COMPANION_OPERATOR_TOKEN; devices with their own tokens (npm run device -- add ID)"];
  for (const h of hosts) lines.push(`  dashboard: ${web}://${h}:${port}/`);
  for (const h of hosts) lines.push(`  devices:   ${ws}://${h}:${port}/device?device=ID  (Authorization: Bearer <the device's token>)`);
  if (serverOnly && isLoopback(host)) {
    lines.push("  boards cannot reach 127.0.0.1: run with HOST=0.0.0.0 COMPANION_OPERATOR_TOKEN=<long random string>,",
      "  then flash with URL=ws://<this computer's LAN address>:PORT/device and a token from npm run device -- add ID");
  }
  lines.push("  API: GET /api/devices, GET /api/devices/ID/samples[.csv]?limit&from&to, POST /api/devices/ID/commands, DELETE /api/devices/ID");
  return lines;
}
