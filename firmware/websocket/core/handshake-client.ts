// The client's half of the opening handshake: the request it sends and the checks on the answer.

import { acceptFor } from "./accept.js";
import type { Sha1 } from "../platform.js";
import { HandshakeErrors, type WebSocketProblem } from "./errors.js";
import { formatFields, type HttpHead, hasToken, isHttp11OrLater, parseStatusLine, TOKEN, tokenList } from "./http-head.js";

export interface ClientRequestOptions {
  host: string;
  port: number;
  /** Path and query, starting with "/". */
  path: string;
  secure?: boolean;
  origin?: string;
  protocols?: string[];
  /** Extra fields such as Authorization or Cookie. */
  headers?: Record<string, string>;
}

/** Builds the upgrade request; throws TypeError on a value that would corrupt the request. */
export function buildClientRequest(options: ClientRequestOptions, key: string): string {
  const defaultPort = options.secure ? 443 : 80;
  const host = options.host.indexOf(":") >= 0 ? `[${options.host}]` : options.host; // IPv6 literal
  const path = options.path === "" ? "/" : options.path;
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw new TypeError("path must start with / and hold no spaces");
  let request = `GET ${path} HTTP/1.1\r\nHost: ${host}${options.port === defaultPort ? "" : ":" + options.port}\r\n`
    + `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;
  if (options.origin !== undefined) request += formatFields({ Origin: options.origin });
  const protocols = options.protocols ?? [];
  if (protocols.length > 0) {
    for (const p of protocols) if (!TOKEN.test(p)) throw new TypeError(`invalid subprotocol "${p}"`);
    if (new Set(protocols).size !== protocols.length) throw new TypeError("duplicate subprotocol");
    request += `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n`;
  }
  return request + formatFields(options.headers) + "\r\n";
}

/** The proxy's CONNECT to host:port, its headers checked as the upgrade's are. */
export function buildConnectRequest(host: string, port: number, headers?: Record<string, string>): string {
  const authority = `${host.indexOf(":") >= 0 ? `[${host}]` : host}:${port}`;
  return `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${formatFields(headers)}\r\n`;
}

export interface ServerAnswer {
  /** null when the server accepted the upgrade. */
  problem: WebSocketProblem | null;
  /** The HTTP status the server sent. */
  status: number;
  /** The subprotocol the server chose, "" for none. */
  protocol: string;
  head: HttpHead;
}

/** Checks the server's answer to a request made with `key` and the offered protocols. */
export function checkServerAnswer(head: HttpHead, key: string, offered: string[], sha1: Sha1): ServerAnswer {
  const line = parseStatusLine(head.startLine);
  const status = line !== null ? line.status : 0;
  const answer = (problem: WebSocketProblem | null, protocol = ""): ServerAnswer =>
    ({ problem, status, protocol, head });
  if (line === null || !isHttp11OrLater(line.version)) return answer(HandshakeErrors.MALFORMED);
  if (status !== 101) return answer(HandshakeErrors.BAD_STATUS);
  const h = head.headers;
  if (!hasToken(h["upgrade"], "websocket") || !hasToken(h["connection"], "upgrade")) {
    return answer(HandshakeErrors.BAD_UPGRADE);
  }
  if (h["sec-websocket-accept"] !== acceptFor(key, sha1)) return answer(HandshakeErrors.BAD_ACCEPT);
  if (h["sec-websocket-extensions"] !== undefined) return answer(HandshakeErrors.BAD_EXTENSION);
  const chosen = tokenList(h["sec-websocket-protocol"]);
  if (chosen.length > 1 || (chosen.length === 1 && offered.indexOf(chosen[0]) < 0)) {
    return answer(HandshakeErrors.BAD_PROTOCOL);
  }
  return answer(null, chosen.length === 1 ? chosen[0] : "");
}
