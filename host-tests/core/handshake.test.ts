import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { acceptFor, createKey } from "../../firmware/websocket/core/accept.js";
import { buildClientRequest, checkServerAnswer } from "../../firmware/websocket/core/handshake-client.js";
import { buildAcceptance, buildResponseHead, checkUpgradeRequest } from "../../firmware/websocket/core/handshake-server.js";
import { HEAD_FAILED, HEAD_INCOMPLETE, HttpHeadReader } from "../../firmware/websocket/core/http-head.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { ascii, seededRandom } from "../../fixtures/hex.js";

const nodeSha1 = (data: Uint8Array) => new Uint8Array(createHash("sha1").update(data).digest());
const RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

function headOf(text: string, max = 4096) {
  const reader = new HttpHeadReader(max);
  const end = reader.feed(ascii(text), 0, text.length);
  return { reader, end };
}

const request = (extra = "", start = "GET /chat?x=1 HTTP/1.1") =>
  `${start}\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n`
  + `Sec-WebSocket-Key: ${RFC_KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

describe("Opening handshake", function () {
  it("computes the RFC 6455 accept key for dGhlIHNhbXBsZSBub25jZQ== with either SHA-1", function () {
    assert.equal(acceptFor(RFC_KEY, nodeSha1), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert.equal(acceptFor(RFC_KEY, sha1), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  it("makes keys of 16 random bytes", function () {
    const key = createKey(seededRandom(3));
    assert.equal(Buffer.from(key, "base64").length, 16);
    assert.notEqual(key, createKey(seededRandom(4)));
  });

  it("builds a client request with Host, key, version, Origin, subprotocols and extra headers", function () {
    const text = buildClientRequest({ host: "example.com", port: 8080, path: "/ws?id=3", origin: "http://a.b",
      protocols: ["v1.sensor", "chat"], headers: { Authorization: "Bearer t0k" } }, RFC_KEY);
    assert.equal(text, "GET /ws?id=3 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + `Sec-WebSocket-Key: ${RFC_KEY}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://a.b\r\n`
      + "Sec-WebSocket-Protocol: v1.sensor, chat\r\nAuthorization: Bearer t0k\r\n\r\n");
  });

  it("leaves the default port out of Host and brackets an IPv6 literal", function () {
    assert.match(buildClientRequest({ host: "::1", port: 443, secure: true, path: "/" }, RFC_KEY), /\r\nHost: \[::1\]\r\n/);
  });

  it("refuses header values that would inject a line, and invalid subprotocols", function () {
    assert.throws(() => buildClientRequest({ host: "h", port: 80, path: "/", headers: { X: "a\r\nEvil: 1" } }, RFC_KEY), TypeError);
    assert.throws(() => buildClientRequest({ host: "h", port: 80, path: "/", protocols: ["a b"] }, RFC_KEY), TypeError);
    assert.throws(() => buildClientRequest({ host: "h", port: 80, path: "/", protocols: ["a", "a"] }, RFC_KEY), TypeError);
    assert.throws(() => buildClientRequest({ host: "h", port: 80, path: "/a b" }, RFC_KEY), TypeError);
  });

  describe("the server side", function () {
    it("accepts a valid request and answers 101 with the accept key and the chosen subprotocol", function () {
      const { reader } = headOf(request("Sec-WebSocket-Protocol: chat, superchat\r\nOrigin: http://x\r\n"));
      const check = checkUpgradeRequest(reader.head!);
      assert.equal(check.problem, null);
      assert.deepEqual(check.request!.protocols, ["chat", "superchat"]);
      assert.equal(check.request!.target, "/chat?x=1");
      assert.equal(check.request!.origin, "http://x");
      assert.equal(buildAcceptance(check.request!, nodeSha1, "superchat", { "X-Id": "7" }),
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: superchat\r\nX-Id: 7\r\n\r\n");
      assert.throws(() => buildAcceptance(check.request!, nodeSha1, "other"), TypeError);
    });

    const refusals: [string, string, string, number][] = [
      ["a POST", request("", "POST /chat HTTP/1.1"), "WS_ERR_INVALID_METHOD", 405],
      ["HTTP/1.0", request("", "GET /chat HTTP/1.0"), "WS_ERR_INVALID_HTTP_VERSION", 505],
      ["no Host", request().replace("Host: server.example.com\r\n", ""), "WS_ERR_MISSING_HOST", 400],
      ["no Connection: Upgrade", request().replace("keep-alive, Upgrade", "keep-alive"), "WS_ERR_NOT_UPGRADE", 426],
      ["a 15-byte key", request().replace(RFC_KEY, "AAAAAAAAAAAAAAAAAAAA"), "WS_ERR_INVALID_KEY", 400],
      ["a key that is not base64", request().replace(RFC_KEY, "dGhlIHNhbXBsZSBub25jZQ!="), "WS_ERR_INVALID_KEY", 400],
      ["version 8", request().replace("Version: 13", "Version: 8"), "WS_ERR_UNSUPPORTED_VERSION", 426],
      ["a garbled request line", request("", "GET"), "WS_ERR_MALFORMED_HTTP", 400],
    ];
    for (const [what, text, code, status] of refusals) {
      it(`refuses ${what} with ${status} (${code})`, function () {
        const check = checkUpgradeRequest(headOf(text).reader.head!);
        assert.equal(check.problem?.code, code);
        assert.equal(check.problem?.status, status);
      });
    }

    it("passes a plain HTTP request through for the app to answer", function () {
      const check = checkUpgradeRequest(headOf("GET /status HTTP/1.1\r\nHost: h\r\n\r\n").reader.head!);
      assert.equal(check.problem, null);
      assert.equal(check.request!.upgrade, false);
    });

    it("builds refusals with a byte count, and a 426 names version 13", function () {
      assert.equal(buildResponseHead(426, 0), "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Length: 0\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n");
      assert.match(buildResponseHead(401, 12, { "WWW-Authenticate": "Bearer" }), /^HTTP\/1\.1 401 Unauthorized\r\n.*WWW-Authenticate: Bearer\r\n\r\n$/s);
    });
  });

  describe("the client's checks of the answer", function () {
    const answer = (extra = "", status = "101 Switching Protocols") => headOf(`HTTP/1.1 ${status}\r\nUpgrade: WebSocket\r\n`
      + `Connection: upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n${extra}\r\n`).reader.head!;

    it("accepts a 101 with tokens in any case and reports the chosen subprotocol", function () {
      const a = checkServerAnswer(answer("Sec-WebSocket-Protocol: chat\r\n"), RFC_KEY, ["chat"], nodeSha1);
      assert.equal(a.problem, null);
      assert.equal(a.protocol, "chat");
    });

    const bad: [string, ReturnType<typeof answer>, string][] = [
      ["a 403", answer("", "403 Forbidden"), "WS_ERR_UNEXPECTED_STATUS"],
      ["a wrong accept key", headOf("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n").reader.head!, "WS_ERR_INVALID_ACCEPT"],
      ["a missing Upgrade header", headOf("HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n\r\n").reader.head!, "WS_ERR_INVALID_UPGRADE_HEADER"],
      ["a subprotocol not offered", answer("Sec-WebSocket-Protocol: other\r\n"), "WS_ERR_INVALID_SUBPROTOCOL"],
      ["an extension not asked for", answer("Sec-WebSocket-Extensions: permessage-deflate\r\n"), "WS_ERR_UNEXPECTED_EXTENSION"],
    ];
    for (const [what, head, code] of bad) {
      it(`rejects ${what} (${code})`, function () {
        assert.equal(checkServerAnswer(head, RFC_KEY, ["chat"], nodeSha1).problem?.code, code);
      });
    }

    it("reports the status of a refusal", function () {
      assert.equal(checkServerAnswer(answer("", "401 Unauthorized"), RFC_KEY, [], nodeSha1).status, 401);
    });
  });
});

describe("HTTP head reader", function () {
  it("gives the same head and end offset whatever the split of the bytes", function () {
    const text = request() + "\x81\x05Hello"; // a frame right behind the head belongs to the next protocol
    const bytes = ascii(text);
    const whole = headOf(text);
    for (let k = 1; k < bytes.length; k++) {
      const reader = new HttpHeadReader(4096);
      const first = reader.feed(bytes, 0, k);
      const end = first === HEAD_INCOMPLETE ? reader.feed(bytes, k, bytes.length) : first;
      assert.equal(end, whole.end, `split at ${k}`);
      assert.deepEqual(reader.head, whole.reader.head);
    }
    assert.equal(whole.end, bytes.length - 7);
  });

  it("refuses a head over the limit with 431 and keeps refusing", function () {
    const { reader, end } = headOf(request(`X-Pad: ${"a".repeat(300)}\r\n`), 256);
    assert.equal(end, HEAD_FAILED);
    assert.equal(reader.problem?.status, 431);
    assert.equal(reader.problem?.code, "WS_ERR_HEADERS_TOO_LARGE");
    assert.equal(reader.feed(ascii("\r\n\r\n"), 0, 4), HEAD_FAILED);
  });

  it("reads a refusal's head in a small buffer even when its body is larger", function () {
    const body = "x".repeat(5000);
    const text = `HTTP/1.1 500 Internal Server Error\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const { reader, end } = headOf(text, 128);
    assert.equal(reader.head?.startLine, "HTTP/1.1 500 Internal Server Error");
    assert.equal(text.length - end, 5000);
  });

  it("refuses folded lines, a space before the colon and NUL bytes with 400", function () {
    for (const bad of ["GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\0\r\n\r\n", "GET / HTTP/1.1\r\nno colon\r\n\r\n"]) {
      const { reader } = headOf(bad);
      assert.equal(reader.problem?.status, 400, JSON.stringify(bad));
    }
  });

  it("joins repeated fields and lowercases names", function () {
    const { reader } = headOf("GET / HTTP/1.1\r\nSec-WebSocket-Protocol: a\r\nsec-websocket-protocol: b\r\n\r\n");
    assert.equal(reader.head?.headers["sec-websocket-protocol"], "a, b");
  });
});
