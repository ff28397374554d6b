import assert from "node:assert/strict";
import { acceptFor } from "../../firmware/websocket/core/accept.js";
import { ClientHandshake, HANDSHAKE_FAILED, HANDSHAKE_WAIT } from "../../firmware/websocket/core/client-handshake.js";
import { ServerHandshake } from "../../firmware/websocket/core/server-handshake.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { ascii, seededRandom } from "../../fixtures/hex.js";

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString("latin1"));

function answerTo(handshake: ClientHandshake, extra = "") {
  return ascii(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Accept: ${acceptFor(handshake.key, sha1)}\r\n${extra}\r\n`);
}

const upgradeRequest = (version = "HTTP/1.1", ending = "\r\n") => ascii(
  [`GET /chat ${version}`, "Host: h", "Upgrade: websocket", "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", "", ""].join(ending));

describe("The client handshake object", function () {
  it("yields the upgrade once and opens on a 101 split anywhere, giving the offset of the first frame", function () {
    for (let cut = 1; cut < 60; cut += 7) {
      const handshake = new ClientHandshake({ host: "h", port: 80, path: "/ws", protocols: ["chat"] }, seededRandom(1), sha1);
      assert.match(text(handshake.next())!, /^GET \/ws HTTP\/1\.1\r\nHost: h\r\n/);
      assert.equal(handshake.next(), null);
      const answer = answerTo(handshake, "Sec-WebSocket-Protocol: chat\r\n");
      const bytes = new Uint8Array(answer.length + 2);
      bytes.set(answer);
      bytes.set([0x81, 0x00], answer.length); // an empty text frame right behind the head
      assert.equal(handshake.feed(bytes, 0, cut), HANDSHAKE_WAIT);
      assert.equal(handshake.feed(bytes, cut, bytes.length), answer.length);
      assert.equal(handshake.done, true);
      assert.equal(handshake.protocol, "chat");
      assert.equal(handshake.status, 101);
    }
  });

  it("sends the proxy's CONNECT first and the upgrade only after the proxy's 200, even an HTTP/1.0 one", function () {
    const handshake = new ClientHandshake({ host: "::1", port: 8080, path: "/", proxyHeaders: { "Proxy-Authorization": "Basic eA==" } },
      seededRandom(2), sha1);
    assert.equal(text(handshake.next()), "CONNECT [::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\nProxy-Authorization: Basic eA==\r\n\r\n");
    assert.equal(handshake.next(), null, "nothing more before the proxy answers");
    const ok = ascii("HTTP/1.0 200 Connection established\r\n\r\n");
    assert.equal(handshake.feed(ok, 0, ok.length), HANDSHAKE_WAIT);
    assert.match(text(handshake.next())!, /^GET \/ HTTP\/1\.1\r\nHost: \[::1\]:8080\r\n/);
    const answer = answerTo(handshake);
    assert.equal(handshake.feed(answer, 0, answer.length), answer.length);
  });

  it("fails on a proxy's 407 with its status and WS_ERR_UNEXPECTED_STATUS, never sending the upgrade", function () {
    const handshake = new ClientHandshake({ host: "h", port: 80, path: "/", proxyHeaders: {} }, seededRandom(3), sha1);
    handshake.next();
    const refused = ascii("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    assert.equal(handshake.feed(refused, 0, refused.length), HANDSHAKE_FAILED);
    assert.equal(handshake.problem?.code, "WS_ERR_UNEXPECTED_STATUS");
    assert.equal(handshake.status, 407);
    assert.equal(handshake.next(), null);
  });

  it("refuses a proxy header value that would inject a line, as it does for the upgrade's headers", function () {
    for (const proxyHeaders of <Record<string, string>[]>[{ "X-A": "1\r\nHost: evil" }, { "X-A": "1\nX-B: 2" }, { "Bad Name": "v" }]) {
      assert.throws(() => new ClientHandshake({ host: "h", port: 80, path: "/", proxyHeaders }, seededRandom(4), sha1), TypeError);
    }
  });

  it("fails on a server answer with bare-LF line endings at once, with 400's WS_ERR_MALFORMED_HTTP", function () {
    const handshake = new ClientHandshake({ host: "h", port: 80, path: "/" }, seededRandom(5), sha1);
    const answer = ascii("HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n");
    assert.equal(handshake.feed(answer, 0, answer.length), HANDSHAKE_FAILED);
    assert.equal(handshake.problem?.code, "WS_ERR_MALFORMED_HTTP");
    assert.equal(handshake.problem?.status, 400);
  });
});

describe("The server handshake object", function () {
  it("takes an upgrade request, waits for the app's decision and answers 101 with the accept key", function () {
    const handshake = new ServerHandshake(1024);
    const request = upgradeRequest();
    assert.equal(handshake.feed(request, 0, 10), HANDSHAKE_WAIT);
    assert.equal(handshake.feed(request, 10, request.length), request.length);
    assert.equal(handshake.refusal, null);
    assert.equal(handshake.request?.upgrade, true);
    assert.match(text(handshake.accept(sha1, {}))!, /^HTTP\/1\.1 101 Switching Protocols\r\n.*Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n\r\n$/s);
    assert.equal(handshake.feed(request, 0, request.length), HANDSHAKE_WAIT, "bytes after the decision are not a second request");
  });

  it("accepts HTTP/1.2 and HTTP/2.0 requests (1.1 or higher) and refuses HTTP/1.0 with 505", function () {
    for (const version of ["HTTP/1.2", "HTTP/2.0"]) {
      const handshake = new ServerHandshake();
      handshake.feed(upgradeRequest(version), 0, upgradeRequest(version).length);
      assert.equal(handshake.refusal, null, version);
    }
    const old = new ServerHandshake();
    old.feed(upgradeRequest("HTTP/1.0"), 0, upgradeRequest("HTTP/1.0").length);
    assert.equal(old.refusal?.status, 505);
  });

  it("refuses a request with bare-LF line endings with 400 at its first line, without waiting for more", function () {
    const handshake = new ServerHandshake();
    const request = upgradeRequest("HTTP/1.1", "\n");
    const firstLine = request.indexOf(10) + 1;
    assert.notEqual(handshake.feed(request, 0, firstLine), HANDSHAKE_WAIT);
    assert.equal(handshake.refusal?.status, 400);
    assert.equal(handshake.refusal?.body, "malformed HTTP message");
  });

  it("answers with the head and the body counted in UTF-8 bytes in one piece", function () {
    assert.equal(text(ServerHandshake.answer({ status: 403, body: "é", headers: { "X-Why": "origin" } })),
      "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 2\r\nX-Why: origin\r\n\r\n\xc3\xa9");
    assert.throws(() => ServerHandshake.answer({ status: 401, headers: { "WWW-Authenticate": "x\r\nSet-Cookie: a=b" } }), TypeError);
  });
});
