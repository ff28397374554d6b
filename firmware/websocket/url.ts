// ws:// and wss:// URLs (RFC 6455 3), parsed without the URL class, which XS does not have.

export interface WebSocketUrl {
  secure: boolean;
  /** Host name or IP address, without IPv6 brackets. */
  host: string;
  port: number;
  /** Path and query, "/" at least. */
  path: string;
}

/** Throws TypeError for anything but an absolute ws:// or wss:// URL without a fragment. */
export function parseWebSocketUrl(url: string): WebSocketUrl {
  const match = /^(wss?):\/\/(\[[0-9a-fA-F:.]+\]|[^\s/?#:@[\]]+)(?::(\d{1,5}))?([^\s#]*)$/.exec(url);
  if (match === null) throw new TypeError(`not a ws:// or wss:// URL without a fragment: ${url}`);
  const secure = match[1] === "wss";
  const port = match[3] === undefined ? (secure ? 443 : 80) : Number(match[3]);
  if (port < 1 || port > 65535) throw new TypeError(`port out of range in ${url}`);
  let path = match[4];
  if (path === "") path = "/";
  else if (path[0] === "?") path = "/" + path;
  else if (path[0] !== "/") throw new TypeError(`bad path in ${url}`);
  const host = match[2][0] === "[" ? match[2].slice(1, -1) : match[2].toLowerCase();
  return { secure, host, port, path };
}

/** An IPv4 or IPv6 literal, which needs no name resolution. */
export function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.indexOf(":") >= 0;
}
