// Incremental reader for an HTTP/1.1 message head (start line and header fields) that arrives split
// anywhere, held in a fixed buffer whose size is the header size limit.

import { HandshakeErrors, type WebSocketProblem } from "./errors.js";

export interface HttpHead {
  startLine: string;
  /** Field names in lower case; repeated fields joined with ", " (RFC 9110 5.3). */
  headers: Record<string, string>;
}

export const HEAD_INCOMPLETE = -1;
export const HEAD_FAILED = -2;

export class HttpHeadReader {
  readonly #buffer: Uint8Array;
  #length = 0;
  #matched = 0; // how much of CR LF CR LF has been seen
  head: HttpHead | null = null;
  problem: WebSocketProblem | null = null;

  constructor(maxBytes = 4096) {
    this.#buffer = new Uint8Array(maxBytes);
  }

  /**
   * Takes bytes[start, end). Returns the index just after the head once it is complete (what
   * follows belongs to the next protocol), HEAD_INCOMPLETE while more is needed, or HEAD_FAILED
   * with `problem` set (431 past the limit, 400 when malformed).
   */
  feed(bytes: Uint8Array, start: number, end: number): number {
    if (this.problem !== null) return HEAD_FAILED;
    if (this.head !== null) return start;
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      if (this.#length === this.#buffer.length) return this.failWith(HandshakeErrors.HEADERS_TOO_LARGE);
      // a bare LF ends no line here: refused at once rather than waiting for a CR LF CR LF that never comes
      if (b === 10 && (this.#length === 0 || this.#buffer[this.#length - 1] !== 13)) return this.failWith(HandshakeErrors.MALFORMED);
      this.#buffer[this.#length++] = b;
      const expected = (this.#matched & 1) === 0 ? 13 : 10;
      this.#matched = b === expected ? this.#matched + 1 : b === 13 ? 1 : 0;
      if (this.#matched === 4) {
        this.head = parseHead(this.#buffer, this.#length - 4);
        if (this.head === null) return this.failWith(HandshakeErrors.MALFORMED);
        return i + 1;
      }
    }
    return HEAD_INCOMPLETE;
  }

  private failWith(p: WebSocketProblem): number {
    this.problem = p;
    return HEAD_FAILED;
  }
}

function parseHead(buffer: Uint8Array, length: number): HttpHead | null {
  let text = "";
  for (let i = 0; i < length; i++) {
    const b = buffer[i];
    if (b === 0) return null;
    text += String.fromCharCode(b); // latin-1: header values are octets, names are ASCII
  }
  const lines = text.split("\r\n");
  const startLine = lines[0];
  if (startLine.length === 0) return null;
  const headers: Record<string, string> = Object.create(null);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    // no name, whitespace before the colon, obsolete folding, or a bare CR or LF inside a line
    if (colon <= 0 || /[\s]/.test(line[0]) || /[ \t]$/.test(line.slice(0, colon))) return null;
    if (line.indexOf("\r") >= 0 || line.indexOf("\n") >= 0) return null;
    const name = line.slice(0, colon).toLowerCase();
    if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) return null;
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? headers[name] + ", " + value : value;
  }
  return { startLine, headers };
}

/** True when a comma-separated header value holds `token`, compared case-insensitively. */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  const parts = value.split(",");
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].trim().toLowerCase() === token) return true;
  }
  return false;
}

/** The comma-separated list in a header value, trimmed, empty items dropped. */
export function tokenList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A header value a caller supplied must not smuggle in a line break. */
export function isSafeHeaderValue(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}

export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Header fields as lines, for every head we write (the proxy's CONNECT, the upgrade request, the
 * server's answers): throws TypeError on a name that is not a token or a value that would inject a line.
 */
export function formatFields(headers: Record<string, string> | undefined): string {
  let text = "";
  if (headers === undefined) return text;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!TOKEN.test(name) || typeof value !== "string" || !isSafeHeaderValue(value)) throw new TypeError(`invalid header ${name}`);
    text += `${name}: ${value}\r\n`;
  }
  return text;
}

/** "HTTP/x.y" at least 1.1, as RFC 6455 asks of both sides ("HTTP/1.1 or higher"). */
export function isHttp11OrLater(version: string): boolean {
  const match = /^HTTP\/(\d)\.(\d)$/.exec(version);
  return match !== null && (Number(match[1]) > 1 || (match[1] === "1" && match[2] !== "0"));
}

/** A response's status line: its version and status, or null when it is not one. */
export function parseStatusLine(line: string): { version: string; status: number } | null {
  const match = /^(HTTP\/\d\.\d) (\d{3})(?: .*)?$/.exec(line);
  return match === null ? null : { version: match[1], status: Number(match[2]) };
}
