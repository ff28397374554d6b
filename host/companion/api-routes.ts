// The HTTP API: devices, samples (JSON or CSV over a time range), commands relayed to a device,
// and removing a device. Every parameter, query and body has a schema (schemas.ts): Fastify
// refuses what does not match with 400 before a handler runs.

import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { CSV_PAGE, csvChunks } from "./csv-export.js";
import { CommandFailure, type DeviceLinks } from "./device-links.js";
import type { LiveFeed } from "./live.js";
import { commandBody, csvQuery, deviceParams, samplesQuery } from "./schemas.js";
import type { Hello, Store } from "./store-types.js";

interface Context { store: Store; links: DeviceLinks; live: LiveFeed; cluster?: { disconnect(device: string): Promise<void> } }
type Id = { id: string };
type Range = { limit: number; from?: number; to?: number };

/** The device list as the API and the live feed show it. */
export async function deviceList({ store, links }: Context): Promise<unknown[]> {
  const devices = await store.devices();
  // in a cluster a device may be held by another instance: Redis knows which, and its round trip there
  const elsewhere = links.presence === null ? null : await links.presence.where(devices.filter((d) => !links.online(d.id)).map((d) => d.id));
  return devices.map((d) => links.online(d.id) ? { ...d, online: true, rtt: links.rtt(d.id) }
    : { ...d, online: elsewhere?.has(d.id) ?? false, rtt: elsewhere?.get(d.id)?.rtt ?? null });
}

const problem = (code: string, message: string) => ({ error: { code, message } });

export function apiRoutes(app: FastifyInstance, context: Context): void {
  const { store, links, live } = context;

  app.get("/api/devices", async () => deviceList(context));

  /** A route over one known device's samples in a range; 404 for a device never seen. */
  const samplesRoute = (path: string, querystring: object, answer: (id: string, d: Hello, range: Range, reply: FastifyReply) => unknown) =>
    app.get<{ Params: Id; Querystring: Range }>(path, { schema: { params: deviceParams, querystring } }, async (request, reply) => {
      const { id } = request.params;
      const described = await store.describe(id);
      if (described === null) return reply.code(404).send(problem("UNKNOWN_DEVICE", `no device ${id}`));
      return answer(id, described, request.query, reply);
    });

  samplesRoute("/api/devices/:id/samples", samplesQuery, async (id, described, { limit, from, to }) =>
    ({ device: id, ...described, samples: await store.range(id, limit, from, to) }));

  // streamed, a page at a time as the client takes it (csv-export.ts)
  samplesRoute("/api/devices/:id/samples.csv", csvQuery, async (id, described, { limit, from, to }, reply) => {
    const pages = store.pages(id, limit, from, to, CSV_PAGE)[Symbol.asyncIterator]();
    const first = await pages.next(); // a store that fails here answers 500, not a cut-off 200
    reply.header("Content-Type", "text/csv; charset=utf-8");
    reply.header("Content-Disposition", `attachment; filename="${id.replace(/[^\w.-]/g, "_")}.csv"`);
    return reply.send(Readable.from(csvChunks(described, first, pages)));
  });

  app.post<{ Params: Id; Body: { cmd: string; args?: Record<string, unknown> } }>("/api/devices/:id/commands",
    { schema: { params: deviceParams, body: commandBody } },
    async (request, reply) => {
      const { id } = request.params;
      const { cmd, args = {} } = request.body;
      try {
        const answer = await links.command(id, cmd, args);
        live.broadcast({ type: "reply", device: id, cmd, status: 200, reply: answer });
        return answer;
      } catch (e) {
        const failure = e instanceof CommandFailure ? e : new CommandFailure("FAILED", 500, String(e));
        live.broadcast({ type: "reply", device: id, cmd, status: failure.status, reply: problem(failure.code, failure.message) });
        return reply.code(failure.status).send(problem(failure.code, failure.message));
      }
    });

  app.delete<{ Params: Id }>("/api/devices/:id", { schema: { params: deviceParams } }, async (request, reply) => {
    const { id } = request.params;
    links.disconnect(id);
    await context.cluster?.disconnect(id);
    if (!(await store.remove(id))) return reply.code(404).send(problem("UNKNOWN_DEVICE", `no device ${id}`));
    live.devicesChanged();
    return { removed: id };
  });
}
