// Handshake cases run alike under Node and XS: each request and answer through the server's and
// the client's handshake objects, whole and split at every byte, with what each decided.

import { ClientHandshake, HANDSHAKE_FAILED, HANDSHAKE_WAIT } from "../../firmware/websocket/core/client-handshake.js";
import { ServerHandshake } from "../../firmware/websocket/core/server-handshake.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
/** The 16 bytes behind KEY ("the sample nonce"), as a random source yields them: the client makes KEY. */
const NONCE = [0x74686520, 0x73616d70, 0x6c65206e, 0x6f6e6365];

function ascii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

const request = (line = "GET /chat HTTP/1.1", eol = "\r\n", extra = "") => [line, "Host: h", "Upgrade: websocket",
  "Connection: Upgrade", `Sec-WebSocket-Key: ${KEY}`, "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: chat, x", extra, ""]
  .filter((l, i, all) => l !== "" || i === all.length - 1).join(eol) + eol;
const answer = (line = "HTTP/1.1 101 Switching Protocols", extra = "") =>
  `${line}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n${extra}\r\n`;

export const SERVER_CASES: Record<string, string> = {
  "an upgrade": request(), "HTTP/1.2": request("GET /chat HTTP/1.2"), "HTTP/1.0": request("GET /chat HTTP/1.0"),
  "bare LF": request("GET /chat HTTP/1.1", "\n"), "a POST": request("POST /chat HTTP/1.1"),
  "plain HTTP": "GET /status HTTP/1.1\r\nHost: h\r\n\r\n", "a folded line": request("GET / HTTP/1.1", "\r\n", " folded"),
  "over the limit": request("GET / HTTP/1.1", "\r\n", `X-Pad: ${"a".repeat(300)}`),
};
export const CLIENT_CASES: Record<string, string> = {
  "a 101 with chat": answer(undefined, "Sec-WebSocket-Protocol: chat\r\n"), "a 101 from HTTP/1.2": answer("HTTP/1.2 101 OK"),
  "a 101 from HTTP/1.0": answer("HTTP/1.0 101 OK"), "a 403": answer("HTTP/1.1 403 Forbidden"),
  "a wrong accept": answer().replace(ACCEPT, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="), "bare LF": answer().replace(/\r\n/g, "\n"),
  "an extension": answer(undefined, "Sec-WebSocket-Extensions: x\r\n"),
};

function serverSide(bytes: Uint8Array, cut: number): string {
  const h = new ServerHandshake(256);
  let end = h.feed(bytes, 0, cut);
  if (end === HANDSHAKE_WAIT) end = h.feed(bytes, cut, bytes.length);
  if (end === HANDSHAKE_WAIT) return "wait";
  if (h.refusal !== null) return `refuse ${h.refusal.status}`; // where in the chunk it failed does not matter
  const r = h.request!;
  if (!r.upgrade) return `plain ${r.method} ${r.target}`;
  const accepted = String.fromCharCode(...h.accept(sha1, { protocol: "chat" }));
  return `upgrade ${r.target} [${r.protocols}] ${accepted.indexOf(ACCEPT) > 0 ? "accept key ok" : "bad accept key"} at ${end}`;
}

function clientSide(bytes: Uint8Array, cut: number, proxy: boolean): string {
  let i = 0;
  const h = new ClientHandshake({ host: "h", port: 80, path: "/chat", protocols: ["chat"], proxyHeaders: proxy ? {} : undefined },
    () => NONCE[i++ & 3], sha1);
  const sent = [h.next()!.length];
  if (proxy) {
    const ok = ascii("HTTP/1.1 200 Connection established\r\n\r\n");
    if (h.feed(ok, 0, ok.length) !== HANDSHAKE_WAIT) return "proxy refused";
    sent.push(h.next()!.length);
  }
  let end = h.feed(bytes, 0, cut);
  if (end === HANDSHAKE_WAIT) end = h.feed(bytes, cut, bytes.length);
  const outcome = end === HANDSHAKE_WAIT ? "wait" : end === HANDSHAKE_FAILED ? `fail ${h.problem!.code} ${h.status}`
    : `open "${h.protocol}" at ${end}`;
  return `${outcome} after writing ${sent}`;
}

/** Every case's outcome at every split; the same list whatever the split, or the split that differs. */
export function runHandshakeCases(): Record<string, string> {
  const out: Record<string, string> = {};
  const each = (name: string, text: string, run: (bytes: Uint8Array, cut: number) => string) => {
    const bytes = ascii(text);
    const whole = run(bytes, bytes.length);
    out[name] = whole;
    for (let cut = 0; cut < bytes.length; cut++) {
      const split = run(bytes, cut);
      if (split !== whole) out[name] = `split at ${cut} gives ${split}, whole gives ${whole}`;
    }
  };
  for (const name of Object.keys(SERVER_CASES)) each(`server: ${name}`, SERVER_CASES[name], serverSide);
  for (const name of Object.keys(CLIENT_CASES)) {
    each(`client: ${name}`, CLIENT_CASES[name], (b, c) => clientSide(b, c, false));
    each(`client via proxy: ${name}`, CLIENT_CASES[name], (b, c) => clientSide(b, c, true));
  }
  return out;
}
