import assert from "node:assert/strict";
import { runHandshakeCases } from "./handshake-cases.js";
import { resultOf, runUnderXs } from "../../fixtures/xs/xs-host.js";

describe("The handshake objects under the XS engine", function () {
  this.timeout(300_000);

  it("decide every request and answer as the RFC asks, the same at every split", function () {
    const node = runHandshakeCases();
    assert.deepEqual(node, {
      "server: an upgrade": "upgrade /chat [chat,x] accept key ok at 177",
      "server: HTTP/1.2": "upgrade /chat [chat,x] accept key ok at 177",
      "server: HTTP/1.0": "refuse 505",
      "server: bare LF": "refuse 400",
      "server: a POST": "refuse 405",
      "server: plain HTTP": "plain GET /status",
      "server: a folded line": "refuse 400",
      "server: over the limit": "refuse 431",
      "client: a 101 with chat": "open \"chat\" at 159 after writing 174",
      "client via proxy: a 101 with chat": "open \"chat\" at 159 after writing 37,174",
      "client: a 101 from HTTP/1.2": "open \"\" at 112 after writing 174",
      "client via proxy: a 101 from HTTP/1.2": "open \"\" at 112 after writing 37,174",
      "client: a 101 from HTTP/1.0": "fail WS_ERR_MALFORMED_HTTP 101 after writing 174",
      "client via proxy: a 101 from HTTP/1.0": "fail WS_ERR_MALFORMED_HTTP 101 after writing 37,174",
      "client: a 403": "fail WS_ERR_UNEXPECTED_STATUS 403 after writing 174",
      "client via proxy: a 403": "fail WS_ERR_UNEXPECTED_STATUS 403 after writing 37,174",
      "client: a wrong accept": "fail WS_ERR_INVALID_ACCEPT 101 after writing 174",
      "client via proxy: a wrong accept": "fail WS_ERR_INVALID_ACCEPT 101 after writing 37,174",
      "client: bare LF": "fail WS_ERR_MALFORMED_HTTP 0 after writing 174",
      "client via proxy: bare LF": "fail WS_ERR_MALFORMED_HTTP 0 after writing 37,174",
      "client: an extension": "fail WS_ERR_UNEXPECTED_EXTENSION 101 after writing 174",
      "client via proxy: an extension": "fail WS_ERR_UNEXPECTED_EXTENSION 101 after writing 37,174",
    });
  });

  it("give the same outcomes under XS as under Node", async function () {
    assert.deepEqual(resultOf(await runUnderXs("build/host-tests/xs/handshake-entry.js")), runHandshakeCases());
  });
});
