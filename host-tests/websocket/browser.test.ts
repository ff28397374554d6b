import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import type { WebSocketServer } from "../../firmware/websocket/server.js";
import { ourEchoServer } from "../support/net.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The page the browser loads from our server's plain-HTTP handler: it talks to the same port. */
const PAGE = `<!doctype html><title>echo</title><pre id="log"></pre><script>
const log = [];
const big = "ä€😀".repeat(3000); // 1- to 4-byte UTF-8 characters, 27 KB: fragmented by our 1460-byte buffers
const ws = new WebSocket("ws://" + location.host + "/echo", ["v1.echo"]);
ws.binaryType = "arraybuffer";
ws.onopen = () => { log.push("open " + ws.protocol); ws.send("hello from chromium"); ws.send(new Uint8Array([9, 8, 7])); ws.send(big); };
ws.onmessage = (e) => {
  log.push(typeof e.data !== "string" ? "binary " + new Uint8Array(e.data).join(",")
    : e.data.length > 100 ? "big text intact " + (e.data === big) : "text " + e.data);
  if (log.length === 4) ws.close(4000, "bye");
};
ws.onclose = (e) => { log.push("close " + e.code + " " + e.wasClean); document.getElementById("log").textContent = log.join("\\n"); window.done = log; };
</script>`;

describe("A real browser against our server", function () {
  this.timeout(60_000);
  let server: WebSocketServer;

  it("loads a page from the server's HTTP handler and exchanges messages over WebSocket on the same port", async function () {
    assert.ok(existsSync(CHROMIUM), `Debian's chromium is needed at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
    server = await ourEchoServer({
      onUpgrade: (request) => ({ protocol: request.protocols.includes("v1.echo") ? "v1.echo" : undefined }),
      onRequest: () => ({ status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }, body: PAGE }),
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu",
      "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.port}/`);
      await page.waitForFunction(() => (globalThis as unknown as { done?: string[] }).done !== undefined, undefined, { timeout: 20_000 });
      const log = await page.evaluate(() => (globalThis as unknown as { done: string[] }).done);
      assert.deepEqual(log, ["open v1.echo", "text hello from chromium", "binary 9,8,7", "big text intact true", "close 4000 true"]);
      mkdirSync("build/screenshots", { recursive: true });
      await page.screenshot({ path: "build/screenshots/browser-echo.png" });
    } finally {
      await browser.close();
      server.close(); // in the test, not after(): a test closes every socket it opened
    }
  });
});
