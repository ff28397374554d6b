// ws:// and wss:// URLs (firmware/websocket/url.ts, RFC 6455 3): every form a client accepts, with
// the host, port and path it connects with, and every form it refuses with a TypeError saying why.

import assert from "node:assert/strict";
import { isIpAddress, parseWebSocketUrl, type WebSocketUrl } from "../../firmware/websocket/url.js";

const ACCEPTED: [string, WebSocketUrl][] = [
  ["ws://example.com", { secure: false, host: "example.com", port: 80, path: "/" }],
  ["wss://example.com", { secure: true, host: "example.com", port: 443, path: "/" }],
  ["ws://example.com/", { secure: false, host: "example.com", port: 80, path: "/" }],
  ["ws://example.com:8080/device", { secure: false, host: "example.com", port: 8080, path: "/device" }],
  ["wss://example.com:443/", { secure: true, host: "example.com", port: 443, path: "/" }],
  ["wss://example.com:80/", { secure: true, host: "example.com", port: 80, path: "/" }],
  ["ws://Example.COM/Path", { secure: false, host: "example.com", port: 80, path: "/Path" }],
  ["ws://example.com/a/b?token=x&n=1", { secure: false, host: "example.com", port: 80, path: "/a/b?token=x&n=1" }],
  ["ws://example.com?token=x", { secure: false, host: "example.com", port: 80, path: "/?token=x" }],
  ["ws://example.com:9000?x", { secure: false, host: "example.com", port: 9000, path: "/?x" }],
  ["ws://192.168.1.20:8080/device", { secure: false, host: "192.168.1.20", port: 8080, path: "/device" }],
  ["ws://[::1]:9000/p", { secure: false, host: "::1", port: 9000, path: "/p" }],
  ["wss://[2001:db8::1]/", { secure: true, host: "2001:db8::1", port: 443, path: "/" }],
  ["ws://[::ffff:192.0.2.1]", { secure: false, host: "::ffff:192.0.2.1", port: 80, path: "/" }],
  ["ws://localhost:1", { secure: false, host: "localhost", port: 1, path: "/" }],
  ["ws://localhost:65535", { secure: false, host: "localhost", port: 65535, path: "/" }],
  ["ws://my-host_1.local/", { secure: false, host: "my-host_1.local", port: 80, path: "/" }],
];

/** Refused URLs and a word the TypeError's message must carry. */
const REFUSED: [string, string][] = [
  ["http://example.com/", "not a ws://"],
  ["https://example.com/", "not a ws://"],
  ["ws:example.com", "not a ws://"],
  ["ws:/example.com", "not a ws://"],
  ["//example.com/", "not a ws://"],
  ["example.com", "not a ws://"],
  ["/device", "not a ws://"],
  ["", "not a ws://"],
  ["ws://", "not a ws://"],
  ["ws:///device", "not a ws://"],
  ["ws://example.com/#top", "without a fragment"],
  ["ws://example.com/device#", "without a fragment"],
  ["ws://example.com#x", "without a fragment"],
  ["ws://example.com:0/", "port out of range"],
  ["ws://example.com:65536/", "port out of range"],
  ["ws://example.com:99999/", "port out of range"],
  ["ws://example.com:123456/", "bad path"],
  ["ws://example.com:/", "bad path"],
  ["ws://example.com:80x/", "bad path"],
  ["ws://example.com:-1/", "bad path"],
  ["ws://user@example.com/", "bad path"],
  ["ws://user:secret@example.com/", "bad path"],
  ["ws://exa mple.com/", "not a ws://"],
  ["ws://example.com/a b", "not a ws://"],
  [" ws://example.com/", "not a ws://"],
  ["ws://example.com/ ", "not a ws://"],
  ["ws://[::1/", "not a ws://"],
  ["ws://[zz::1]/", "not a ws://"],
  ["ws://::1/", "not a ws://"],
];

describe("WebSocket URLs", function () {
  for (const [url, expected] of ACCEPTED) {
    it(`accepts ${url} as ${expected.secure ? "wss" : "ws"} to ${expected.host} port ${expected.port} path ${expected.path}`, function () {
      assert.deepEqual(parseWebSocketUrl(url), expected);
    });
  }

  for (const [url, why] of REFUSED) {
    it(`refuses ${JSON.stringify(url)} with a TypeError: ${why}`, function () {
      assert.throws(() => parseWebSocketUrl(url), (e: unknown) => e instanceof TypeError && e.message.includes(why) && e.message.includes(url),
        `${url}`);
    });
  }

  it("tells IP literals, which need no name lookup, from host names", function () {
    for (const host of ["192.168.1.20", "127.0.0.1", "::1", "2001:db8::1"]) assert.equal(isIpAddress(host), true, host);
    for (const host of ["example.com", "localhost", "1.2.3", "1.2.3.4.example.com", "a1.b2.c3.d4"]) assert.equal(isIpAddress(host), false, host);
  });
});
