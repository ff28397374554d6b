// Requests to a companion server as a browser, a script or a hostile peer would send them: a
// session (cookie + CSRF token), fetch with it, and raw bytes over TCP for what fetch cannot send.

import net from "node:net";

export interface Session { cookie: string; csrf: string; headers: Record<string, string> }

/** A session in development mode (GET /api/session), or by logging in with `operatorToken`. */
export async function session(base: string, operatorToken?: string): Promise<Session> {
  const r = operatorToken === undefined ? await fetch(`${base}/api/session`)
    : await fetch(`${base}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: operatorToken }) });
  const body = (await r.json()) as { csrf: string };
  const cookie = (r.headers.get("set-cookie") ?? "").split(";")[0];
  return { cookie, csrf: body.csrf, headers: { Cookie: cookie, "X-CSRF-Token": body.csrf, "Content-Type": "application/json" } };
}

/** Sends `bytes` as they are and returns the status of the answer (0 when the server only closed). */
export function raw(port: number, bytes: string | Buffer, ms = 3000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error("no answer in time")); }, ms);
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    };
    socket.on("data", (d) => {
      chunks.push(d);
      // one answer is all we want: stop once its head and announced body are in
      const text = Buffer.concat(chunks).toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      const length = Number(/content-length: *(\d+)/i.exec(text)?.[1] ?? -1);
      if (end >= 0 && length >= 0 && text.length >= end + 4 + length) socket.destroy();
    });
    socket.on("close", done);
    socket.on("error", () => undefined);
    socket.write(bytes);
  });
}
