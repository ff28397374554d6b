// The server's half of the opening handshake: checking an upgrade request, and the 101 answer or
// the refusal with its HTTP status.

import { acceptFor } from "./accept.js";
import type { Sha1 } from "../platform.js";
import { base64Decode } from "./base64.js";
import { HandshakeErrors, type WebSocketProblem } from "./errors.js";
import { formatFields, type HttpHead, hasToken, isHttp11OrLater, TOKEN, tokenList } from "./http-head.js";

export interface UpgradeRequest {
  method: string;
  /** Path and query as sent. */
  target: string;
  headers: Record<string, string>;
  /** False for a plain HTTP request (no Upgrade: websocket), which the app may answer itself. */
  upgrade: boolean;
  key: string;
  protocols: string[];
  origin: string | undefined;
}

export interface RequestCheck {
  request: UpgradeRequest | null;
  /** Why the request cannot be upgraded, with the HTTP status to refuse it with. */
  problem: WebSocketProblem | null;
}

export function checkUpgradeRequest(head: HttpHead): RequestCheck {
  const match = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(head.startLine);
  if (match === null) return { request: null, problem: HandshakeErrors.MALFORMED };
  const h = head.headers;
  const request: UpgradeRequest = {
    method: match[1], target: match[2], headers: h, upgrade: hasToken(h["upgrade"], "websocket"),
    key: h["sec-websocket-key"] ?? "", protocols: tokenList(h["sec-websocket-protocol"]), origin: h["origin"],
  };
  const refuse = (problem: WebSocketProblem): RequestCheck => ({ request, problem });
  if (!isHttp11OrLater(match[3])) return refuse(HandshakeErrors.HTTP_VERSION);
  if (h["host"] === undefined || h["host"] === "") return refuse(HandshakeErrors.NO_HOST);
  if (!request.upgrade) return { request, problem: null }; // plain HTTP: the app's handler decides
  if (request.method !== "GET") return refuse(HandshakeErrors.METHOD);
  if (!hasToken(h["connection"], "upgrade")) return refuse(HandshakeErrors.NOT_UPGRADE);
  const key = base64Decode(request.key);
  if (key === null || key.length !== 16) return refuse(HandshakeErrors.INVALID_KEY);
  if (h["sec-websocket-version"] !== "13") return refuse(HandshakeErrors.VERSION);
  for (const p of request.protocols) if (!TOKEN.test(p)) return refuse(HandshakeErrors.MALFORMED);
  return { request, problem: null };
}

/** The 101 answer; `protocol` must be one the client offered, or "" for none. */
export function buildAcceptance(request: UpgradeRequest, sha1: Sha1, protocol = "",
  headers: Record<string, string> = {}): string {
  if (protocol !== "" && request.protocols.indexOf(protocol) < 0) {
    throw new TypeError(`subprotocol "${protocol}" was not offered`);
  }
  let answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + `Sec-WebSocket-Accept: ${acceptFor(request.key, sha1)}\r\n`;
  if (protocol !== "") answer += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  return answer + formatFields(headers) + "\r\n";
}

const REASONS: Record<number, string> = {
  200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 426: "Upgrade Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
  500: "Internal Server Error", 503: "Service Unavailable", 505: "HTTP Version Not Supported",
};

/**
 * A complete HTTP response that ends the connection: a refusal (4xx, 5xx) or a plain answer. The
 * body is counted in bytes; a 426 names the version this server speaks.
 */
export function buildResponseHead(status: number, bodyLength: number, headers: Record<string, string> = {}): string {
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\nConnection: close\r\nContent-Length: ${bodyLength}\r\n`;
  if (status === 426) head += "Sec-WebSocket-Version: 13\r\n";
  if (status === 405) head += "Allow: GET\r\n";
  return head + formatFields(headers) + "\r\n";
}

