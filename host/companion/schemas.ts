// JSON schemas of every route's parameters, query and body, and of every message a device sends.
// Fastify validates the routes with them; the device messages go through the same Ajv here.

import { Ajv } from "ajv";
import { MAX_CHANNELS } from "../../firmware/app/stream-format.js";

export const DEVICE_ID = { type: "string", pattern: "^[\\x21-\\x7e]{1,64}$" } as const;
const TIME = { type: "number", minimum: -8.64e15, maximum: 8.64e15 } as const;

export const deviceParams = { type: "object", required: ["id"], properties: { id: DEVICE_ID } } as const;

export const samplesQuery = {
  type: "object", additionalProperties: false,
  properties: { limit: { type: "integer", minimum: 1, maximum: 10_000, default: 500 }, from: TIME, to: TIME },
} as const;

export const csvQuery = {
  type: "object", additionalProperties: false,
  properties: { limit: { type: "integer", minimum: 1, maximum: 1_000_000, default: 100_000 }, from: TIME, to: TIME },
} as const;

export const commandBody = {
  type: "object", required: ["cmd"], additionalProperties: false,
  properties: { cmd: { type: "string", pattern: "^[a-z][a-z0-9-]{0,39}$" }, args: { type: "object", maxProperties: 16 } },
} as const;

export const loginBody = {
  type: "object", required: ["token"], additionalProperties: false,
  properties: { token: { type: "string", minLength: 1, maxLength: 256 } },
} as const;

export const deviceQuery = { type: "object", required: ["device"], properties: { device: DEVICE_ID } } as const;

const NAME = { type: "string", minLength: 1, maxLength: 32 } as const;

/** {"type":"hello", ...}: what the device is; at most MAX_CHANNELS channels, as a batch can carry. */
const hello = {
  type: "object", required: ["type", "device", "boot", "channels"],
  properties: {
    type: { const: "hello" }, device: DEVICE_ID, boot: { type: "integer", minimum: 0, maximum: 0xffffffff },
    channels: { type: "array", minItems: 1, maxItems: MAX_CHANNELS, items: NAME },
    units: { type: "array", maxItems: MAX_CHANNELS, items: { type: "string", maxLength: 16 } },
    commands: { type: "array", maxItems: 32, items: { type: "array", minItems: 2, maxItems: 2, items: { type: "string", maxLength: 80 } } },
    periodMs: { type: "number" }, dropped: { type: "integer", minimum: 0 },
  },
} as const;

/** A reply to a command: {"id": n, "ok": true, "result": ...} or {"id": n|null, "ok": false, "error": {...}}. */
const reply = {
  type: "object", required: ["id", "ok"],
  properties: {
    id: { type: ["integer", "null"] }, ok: { type: "boolean" },
    error: { type: "object", required: ["code"], properties: { code: { type: "string" }, message: { type: "string" } } },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
export const isHello = ajv.compile<{ device: string; boot: number; channels: string[]; units?: string[]; commands?: [string, string][] }>(hello);
export const isReply = ajv.compile<{ id: number | null; ok: boolean }>(reply);

/** The first schema error of the last check, for a close reason (which must stay under 123 bytes). */
export function firstError(check: typeof isHello | typeof isReply): string {
  const e = check.errors?.[0];
  return e === undefined ? "" : `${e.instancePath || "message"} ${e.message ?? ""}`.slice(0, 80);
}
