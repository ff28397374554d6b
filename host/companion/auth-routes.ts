// Operator authentication on every API route and on the live feed: a session cookie, its CSRF
// token on anything that changes state, and an Origin that names this server (so no other web
// page can drive the API or read the live feed). /api/session and /api/login are the way in.

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type Limiter, sameOrigin, SESSION_COOKIE, type Sessions } from "./auth.js";
import { loginBody } from "./schemas.js";

const problem = (code: string, message: string) => ({ error: { code, message } });
const OPEN_ROUTES = new Set(["/api/session", "/api/login"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

interface Unavailable { status: number; code: string; message: string }
/** The cluster could not record or tell whether a session ended (Redis away): 503, never a guess. */
const unavailable = (e: unknown): Unavailable => {
  const error = e as Partial<Unavailable> & Error;
  return { status: error.status ?? 503, code: error.code ?? "CLUSTER_UNAVAILABLE", message: error.message };
};

async function sessionOf(sessions: Sessions, id: string | undefined): Promise<Awaited<ReturnType<Sessions["valid"]>> | Unavailable> {
  return sessions.valid(id).catch(unavailable);
}

/** `onLogout` hears each session ended by a logout here (its live feeds close). */
export function authRoutes(app: FastifyInstance, sessions: Sessions, limiter: Limiter, secureCookie: boolean,
  onLogout: (id: string | undefined) => void = () => undefined): void {
  const setCookie = (reply: FastifyReply, id: string) =>
    reply.setCookie(SESSION_COOKIE, id, { path: "/", httpOnly: true, sameSite: "strict", secure: secureCookie });

  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0];
    if (!path.startsWith("/api/") && path !== "/live") return;
    if (!sameOrigin(request.headers.origin, request.headers.host)) {
      return reply.code(403).send(problem("CROSS_ORIGIN", "requests from another site are refused"));
    }
    if (OPEN_ROUTES.has(path)) return;
    const session = await sessionOf(sessions, request.cookies[SESSION_COOKIE]);
    if (session !== null && "status" in session) return reply.code(session.status).send(problem(session.code, session.message));
    if (session === null) return reply.code(401).send(problem("LOGIN_REQUIRED", "log in first: POST /api/login"));
    if (!SAFE_METHODS.has(request.method) && !sessions.csrfMatches(session, request.headers["x-csrf-token"])) {
      return reply.code(403).send(problem("CSRF", "X-CSRF-Token is missing or wrong"));
    }
  });

  /** Whether the caller has a session; in development mode one is handed out here, without a login. */
  app.get("/api/session", async (request: FastifyRequest, reply) => {
    const found = await sessionOf(sessions, request.cookies[SESSION_COOKIE]);
    if (found !== null && "status" in found) return reply.code(found.status).send(problem(found.code, found.message));
    let session = found;
    if (session === null && sessions.open) {
      const created = sessions.create();
      setCookie(reply, created.id);
      session = sessions.get(created.id);
    }
    return { authenticated: session !== null, csrf: session?.csrf ?? null, development: sessions.open };
  });

  app.post<{ Body: { token: string } }>("/api/login", { schema: { body: loginBody } }, async (request, reply) => {
    if (await limiter.blocked(request.ip)) return reply.code(429).send(problem("TOO_MANY_FAILURES", "too many failed logins: wait a minute"));
    if (!sessions.checkOperator(request.body.token)) {
      await limiter.fail(request.ip);
      return reply.code(401).send(problem("BAD_TOKEN", "not the operator token"));
    }
    const created = sessions.create();
    setCookie(reply, created.id);
    return { authenticated: true, csrf: created.csrf, development: false };
  });

  app.post("/api/logout", async (request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    const id = request.cookies[SESSION_COOKIE];
    onLogout(id); // its feeds here close at once, whether or not the cluster hears of it
    const failed = await sessions.end(id).then(() => null, unavailable);
    if (failed !== null) return reply.code(failed.status).send(problem(failed.code, failed.message));
    return { authenticated: false };
  });
}
