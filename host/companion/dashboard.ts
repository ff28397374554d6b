// Serves the dashboard's files and the charting library (uPlot, from node_modules) with @fastify/static.

import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = join(dirname(fileURLToPath(import.meta.url)), "../../../host/companion/dashboard");
const uplot = join(dirname(createRequire(import.meta.url).resolve("uplot/package.json")), "dist");

export function dashboardFiles(app: FastifyInstance): void {
  app.register(fastifyStatic, { root: here, prefix: "/", maxAge: 0 }); // revalidated on every load
  app.register(fastifyStatic, { root: uplot, prefix: "/vendor/", decorateReply: false, allowedPath: (path) => /^\/uPlot\.(iife\.min\.js|min\.css)$/.test(path) });
}
