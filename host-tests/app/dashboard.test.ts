import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import type { CompanionServer } from "../../host/companion/companion-server.js";
import { companion, device } from "../companion/helpers.js";
import { until } from "../support/net.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = "build/screenshots";

/** What the page functions below use of the browser's DOM (the tests compile without the DOM library). */
interface Element { dataset: Record<string, string | undefined>; textContent: string | null; hidden: boolean; scrollWidth: number; clientWidth: number }
declare const document: { getElementById(id: string): Element | null; querySelector(selector: string): Element | null };

const points = (page: Page) => page.evaluate(() => Number(document.getElementById("charts")?.dataset.points ?? 0));

describe("Dashboard in a real browser", function () {
  this.timeout(90_000);
  let browser: Browser;

  before(async function () {
    assert.ok(existsSync(CHROMIUM), `Debian's chromium is needed at ${CHROMIUM}`);
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  });
  after(async function () { await browser?.close(); });

  it("shows live data pushed over its WebSocket, with units, commands with their arguments, wrapped replies, CSV and removal", async function () {
    const server = await companion({ pingInterval: 200, dashboard: true });
    const live = device(server, "sim-dash", { periodMs: 100, batchSize: 2 });
    const gone = device(server, "sim-gone", { periodMs: 100, batchSize: 2 });
    await until(() => server.store.recent("sim-gone", 5).length >= 3, 5000, "samples of the device to remove");
    gone.stop();
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    try {
      await page.goto(`http://127.0.0.1:${server.port}/`);
      await page.waitForSelector('#devices tbody tr[data-device="sim-dash"] td.online', { timeout: 10_000 });
      assert.match(await page.textContent("#mode") ?? "", /development mode/);
      await page.waitForFunction(() => Number(document.getElementById("charts")?.dataset.points ?? 0) >= 5, undefined, { timeout: 15_000 });
      // from here on the page asks the server nothing, yet its charts grow: the data is pushed
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      const before = await points(page);
      await page.waitForFunction((n) => Number(document.getElementById("charts")?.dataset.points ?? 0) > n + 5, before, { timeout: 10_000 });
      assert.deepEqual(requests, [], "no polling");
      assert.equal(await page.locator(".chart canvas").count(), 5, "a chart per reading");
      assert.equal(await page.textContent('.chart[data-channel="temperature"] .u-title'), "temperature (°C)");
      assert.equal(await page.textContent('.chart[data-channel="rssi"] .u-title'), "rssi (dBm)");
      await page.waitForFunction(() => /\d+ ms/.test(document.querySelector('#devices tbody tr[data-device="sim-dash"]')?.textContent ?? ""), undefined, { timeout: 10_000 });

      const commands = await page.locator("#cmd option").allTextContents();
      assert.deepEqual(commands, ["status", "ping", "set-period", "get-config", "set-config", "set-output", "restart-stream"]);
      await page.selectOption("#cmd", "set-output");
      assert.equal(await page.textContent("#args-hint"), "args: value: 0|1");
      await page.fill("#args", '{"value": 1}');
      await page.click("#console button");
      await page.waitForFunction(() => document.getElementById("replies")?.textContent?.includes("set-output → 200"), undefined, { timeout: 10_000 });
      assert.match(await page.textContent("#replies") ?? "", /set-output → 200 .*"result":\{"value":1\}/);
      await page.selectOption("#cmd", "status");
      await page.fill("#args", "{}");
      await page.click("#console button");
      await page.waitForFunction(() => document.getElementById("replies")?.textContent?.includes("status → 200"), undefined, { timeout: 10_000 });
      const reply = page.locator("#replies pre").first();
      assert.ok((await reply.evaluate((e: Element) => e.scrollWidth <= e.clientWidth)), "a long reply wraps instead of running off");

      await page.selectOption("#range", "300000");
      const csvHref = await page.getAttribute("#csv", "href") ?? "";
      assert.match(csvHref, /^\/api\/devices\/sim-dash\/samples\.csv\?limit=\d+&from=\d+$/);
      const csv = await page.request.get(`http://127.0.0.1:${server.port}${csvHref}`);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()["content-type"], /^text\/csv/);
      const lines = (await csv.text()).trim().split("\r\n");
      assert.equal(lines[0], "time,boot,seq,temperature (°C),humidity (%),heap (B),rssi (dBm),uptime (s)");
      assert.ok(lines.length > 10 && /^\d{4}-\d\d-\d\dT[\d:.]+Z,\d+,\d+,[\d.-]+,/.test(lines[1]), lines[1]);
      await page.screenshot({ path: `${SHOTS}/dashboard-live.png`, fullPage: true });

      page.once("dialog", (dialog) => dialog.accept());
      await page.click('#devices tbody tr[data-device="sim-gone"] button.remove');
      await page.waitForSelector('#devices tbody tr[data-device="sim-gone"]', { state: "detached", timeout: 5000 });
      assert.equal(server.store.describe("sim-gone"), null, "removed from the store");

      // the server goes away: a banner, every state unknown; it comes back: the page reconnects by itself
      const port = server.port;
      live.stop();
      await server.stop();
      await page.waitForSelector("#unreachable:not([hidden])", { timeout: 5000 });
      assert.equal(await page.textContent('#devices tbody tr[data-device="sim-dash"] td:nth-child(2)'), "unknown");
      assert.equal(await page.textContent('#devices tbody tr[data-device="sim-dash"] td:nth-child(4)'), "unknown");
      await page.screenshot({ path: `${SHOTS}/dashboard-unreachable.png`, fullPage: true });
      const again = await companion({ port, dashboard: true });
      const back = device(again, "sim-back", { periodMs: 100, batchSize: 2 });
      try {
        await page.waitForSelector("#unreachable[hidden]", { state: "attached", timeout: 15_000 });
        await page.waitForSelector('#devices tbody tr[data-device="sim-back"] td.online', { timeout: 10_000 });
      } finally {
        back.stop();
        await again.stop();
      }
    } finally {
      await page.close();
      live.stop();
      gone.stop();
    }
  });

  it("asks for the operator token when one is set, and refuses a wrong one", async function () {
    const server: CompanionServer = await companion({ operatorToken: "operator-token-0123456789abcdef", dashboard: true });
    const page = await browser.newPage({ viewport: { width: 1000, height: 500 } });
    try {
      await page.goto(`http://127.0.0.1:${server.port}/`);
      await page.waitForSelector("#login:not([hidden])");
      assert.equal(await page.textContent("#mode"), "", "no development-mode note");
      await page.fill("#token", "wrong");
      await page.click("#login button");
      await page.waitForFunction(() => (document.getElementById("login-error")?.textContent ?? "") !== "");
      assert.equal(await page.textContent("#login-error"), "not the operator token");
      await page.screenshot({ path: `${SHOTS}/dashboard-login.png` });
      await page.fill("#token", "operator-token-0123456789abcdef");
      await page.click("#login button");
      await page.waitForSelector("#list:not([hidden])");
      await page.waitForSelector("#login", { state: "hidden" });
    } finally {
      await page.close();
      await server.stop();
    }
  });
});
