// Serves the dashboard's files and the charting library (uPlot, from node_modules) over HTTP.

import { readFileSync } from "node:fs";
import type http from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = join(dirname(fileURLToPath(import.meta.url)), "../../../host/companion/dashboard");
const uplot = join(dirname(createRequire(import.meta.url).resolve("uplot/package.json")), "dist");

const FILES: Record<string, [string, string]> = {
  "/": [join(here, "index.html"), "text/html; charset=utf-8"],
  "/dashboard.js": [join(here, "dashboard.js"), "text/javascript; charset=utf-8"],
  "/dashboard.css": [join(here, "dashboard.css"), "text/css; charset=utf-8"],
  "/vendor/uPlot.iife.min.js": [join(uplot, "uPlot.iife.min.js"), "text/javascript; charset=utf-8"],
  "/vendor/uPlot.min.css": [join(uplot, "uPlot.min.css"), "text/css; charset=utf-8"],
};

/** An extra route for CompanionServer: answers GET for the dashboard's files. */
export function dashboardRoutes(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  const file = request.method === "GET" ? FILES[new URL(request.url ?? "/", "http://x").pathname] : undefined;
  if (file === undefined) return false;
  response.writeHead(200, { "Content-Type": file[1], "Cache-Control": "no-cache" });
  response.end(readFileSync(file[0]));
  return true;
}
