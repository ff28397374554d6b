// Fuzz targets for what else parses a peer's bytes: HTTP heads on both sides of the handshake, the
// device's command messages, and the companion's decoder of sample batches.

import assert from "node:assert/strict";
import fc from "fast-check";
import { SampleRing } from "../../firmware/app/sample-ring.js";
import { batchHeaderSize, decodeBatch, StreamFormatError } from "../../firmware/app/stream-format.js";
import { acceptFor } from "../../firmware/websocket/core/accept.js";
import { ClientHandshake, HANDSHAKE_FAILED, HANDSHAKE_WAIT } from "../../firmware/websocket/core/client-handshake.js";
import { checkServerAnswer } from "../../firmware/websocket/core/handshake-client.js";
import { buildAcceptance, checkUpgradeRequest } from "../../firmware/websocket/core/handshake-server.js";
import { ServerHandshake } from "../../firmware/websocket/core/server-handshake.js";
import { HEAD_INCOMPLETE, HttpHeadReader } from "../../firmware/websocket/core/http-head.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { simulatedDevice } from "../../host/simulated-device.js";
import { cutPoints, type FuzzTarget } from "./fuzz-target.js";
import { httpHead } from "./http-heads.js";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

function read(bytes: Uint8Array, cuts: number[], limit: number): HttpHeadReader {
  const reader = new HttpHeadReader(limit);
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    if (reader.feed(bytes, from, to) !== HEAD_INCOMPLETE) break;
    from = to;
  }
  return reader;
}

/** The random words behind KEY: a client handshake made with them sends KEY, so good answers match it. */
const NONCE = [0x74686520, 0x73616d70, 0x6c65206e, 0x6f6e6365];

/** Feeds bytes in the pieces `cuts` makes until the handshake decides; what feed() returned then. */
function decide(feed: (from: number, to: number) => number, bytes: Uint8Array, cuts: number[]): number {
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    const end = feed(from, to);
    if (end !== HANDSHAKE_WAIT) return end;
    from = to;
  }
  return HANDSHAKE_WAIT;
}

function serverOutcome(bytes: Uint8Array, cuts: number[], limit: number): string {
  const h = new ServerHandshake(limit);
  const end = decide((from, to) => h.feed(bytes, from, to), bytes, cuts);
  if (end === HANDSHAKE_WAIT) return "wait";
  if (h.refusal !== null) return `refuse ${h.refusal.status}`;
  if (h.request!.upgrade) assert.match(String.fromCharCode(...h.accept(sha1, {})), /^HTTP\/1\.1 101 /);
  return `${h.request!.upgrade ? "upgrade" : "plain"} at ${end}`;
}

function clientOutcome(bytes: Uint8Array, cuts: number[], limit: number, proxy: boolean): string {
  let i = 0;
  const h = new ClientHandshake({ host: "h", port: 80, path: "/chat", protocols: ["chat"], maxHeader: limit,
    proxyHeaders: proxy ? {} : undefined }, () => NONCE[i++ & 3], sha1);
  h.next();
  if (proxy) {
    const ok = Uint8Array.from("HTTP/1.1 200 OK\r\n\r\n", (c) => c.charCodeAt(0));
    assert.equal(h.feed(ok, 0, ok.length), HANDSHAKE_WAIT);
    assert.ok(h.next() !== null, "the upgrade follows the proxy's 200");
  }
  const end = decide((from, to) => h.feed(bytes, from, to), bytes, cuts);
  if (end === HANDSHAKE_FAILED) return `fail ${h.problem!.code} ${h.status}`;
  return end === HANDSHAKE_WAIT ? "wait" : `open "${h.protocol}" at ${end}`;
}

const COMMAND_ERRORS = new Set(["TOO_LONG", "BAD_JSON", "BAD_COMMAND", "BAD_ARGS", "UNKNOWN_COMMAND", "FAILED"]);
const commandNames = fc.constantFrom("status", "ping", "set-period", "get-config", "set-config", "set-output",
  "restart-stream", "__proto__", "constructor", "toString", "hasOwnProperty", "");
const argValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(0, 1, 99, 100, 3_600_000, 3_600_001, -1, 1e308, "periodMs", "batchSize"));
const command = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 70 }), fc.constant(null), fc.double()),
    cmd: fc.oneof(commandNames, fc.string({ maxLength: 8 })),
    args: fc.option(fc.dictionary(fc.constantFrom("ms", "value", "key", "t", "__proto__"), argValue, { maxKeys: 3 })),
  }, { requiredKeys: [] }).map((r) => JSON.stringify(r)),
  fc.string({ minLength: 1020, maxLength: 1030 }),
);

const STREAM_ERRORS = new Set(["STREAM_TOO_SHORT", "STREAM_BAD_MAGIC", "STREAM_BAD_VERSION", "STREAM_BAD_CHANNELS",
  "STREAM_BAD_DEVICE_ID", "STREAM_BAD_TIMESTAMP", "STREAM_BAD_LENGTH"]);

export const parserTargets: FuzzTarget[] = [
  {
    name: "the handshake objects decide any head the same however it is split, through a proxy or not, and never throw", runs: 2000,
    property: () => fc.property(httpHead, fc.array(fc.nat(), { maxLength: 5 }), fc.constantFrom(128, 1024), (bytes, rawCuts, limit) => {
      const cuts = cutPoints(rawCuts, bytes.length);
      const server = serverOutcome(bytes, [], limit);
      assert.equal(serverOutcome(bytes, cuts, limit), server);
      assert.match(server, /^(wait|refuse (400|405|426|431|505)|upgrade at \d+|plain at \d+)$/);
      const client = clientOutcome(bytes, [], limit, false);
      assert.equal(clientOutcome(bytes, cuts, limit, false), client);
      assert.equal(clientOutcome(bytes, cuts, limit, true), client, "the tunnel changes nothing that follows it");
      if (client.startsWith("open")) assert.equal(read(bytes, [], limit).head?.headers["sec-websocket-accept"], acceptFor(KEY, sha1));
    }),
  },
  {
    name: "HTTP heads, split anywhere, are parsed the same and never make either handshake side throw", runs: 3000,
    property: () => fc.property(httpHead, fc.array(fc.nat(), { maxLength: 5 }), fc.constantFrom(128, 1024), (bytes, rawCuts, limit) => {
      const cuts = cutPoints(rawCuts, bytes.length);
      const whole = read(bytes, [], limit);
      const split = read(bytes, cuts, limit);
      assert.deepEqual(split.head, whole.head);
      assert.equal(split.problem, whole.problem);
      if (whole.problem !== null) assert.ok([400, 431].includes(whole.problem.status), whole.problem.code);
      if (whole.head === null) return;
      const { request, problem } = checkUpgradeRequest(whole.head);
      if (problem !== null) assert.ok([400, 405, 426, 505].includes(problem.status), problem.code);
      else if (request !== null && request.upgrade) {
        assert.match(buildAcceptance(request, sha1), new RegExp(`Sec-WebSocket-Accept: ${acceptFor(request.key, sha1).replace(/\+/g, "\\+")}\r\n`));
      }
      const answer = checkServerAnswer(whole.head, KEY, ["chat"], sha1);
      if (answer.problem === null) {
        assert.equal(answer.status, 101);
        assert.equal(whole.head.headers["sec-websocket-accept"], acceptFor(KEY, sha1));
        assert.ok(["", "chat"].includes(answer.protocol));
      }
    }),
  },
  {
    name: "command messages always get one JSON reply with their id and ok or a known error code", runs: 3000,
    property: () => {
      const device = simulatedDevice({ url: "ws://127.0.0.1:1/", deviceId: "fuzz", token: "t", periodMs: 1000, batchSize: 10, ringCapacity: 100 });
      return fc.property(command, (text) => {
        const reply = JSON.parse(device.commands.handle(text)) as { id: unknown; ok: boolean; error?: { code: string } };
        assert.equal(typeof reply.ok, "boolean");
        if (!reply.ok) assert.ok(COMMAND_ERRORS.has(reply.error!.code), reply.error!.code);
        let request: { id?: unknown } | null = null;
        try { request = JSON.parse(text); } catch { /* answered with id null */ }
        const id = request !== null && typeof request === "object" ? request.id : undefined;
        if (reply.id !== null) assert.equal(reply.id, id);
        assert.ok(device.settings.periodMs >= 100 && device.settings.periodMs <= 3_600_000);
        assert.ok(device.settings.batchSize >= 1 && device.settings.batchSize <= 10);
      });
    },
  },
  {
    name: "sample batches survive encoding and decoding, and damaged ones are refused with a code", runs: 3000,
    property: () => fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.nat(100_000), fc.array(fc.float(), { maxLength: 8 })), { maxLength: 20 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }), fc.integer({ min: -3, max: 3 }),
      (channels, samples, flips, resize) => {
        const ring = new SampleRing(16, channels);
        let t = 1_700_000_000_000;
        for (const [dt, values] of samples) ring.push((t += dt), values);
        const out = new Uint8Array(2048);
        const n = ring.takeBatch("dev-1", out, 50);
        const batch = decodeBatch(out.subarray(0, n));
        assert.equal(batch.channels, channels);
        assert.equal(batch.dropped, ring.dropped);
        assert.equal(batch.readings.length, Math.min(samples.length, 16));
        const kept = samples.slice(-16);
        batch.readings.forEach((row, s) => row.forEach((v, c) => assert.ok(Object.is(v, Math.fround(kept[s][1][c] ?? NaN)))));
        const damaged = out.slice(0, Math.max(0, n + resize));
        for (const [at, value] of flips) if (damaged.length > 0) damaged[at % damaged.length] = value;
        try {
          const b = decodeBatch(damaged);
          assert.equal(damaged.length, batchHeaderSize(b.deviceId) + b.timestamps.length * (4 + 4 * b.channels));
        } catch (e) {
          assert.ok(e instanceof StreamFormatError && STREAM_ERRORS.has(e.code), String(e));
        }
      }),
  },
];
