import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { CompanionServer } from "../../host/companion/companion-server.js";
import { simulatedDevice } from "../../host/simulated-device.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** What the page functions below use of the browser's DOM (the tests compile without the DOM library). */
interface Element { dataset: Record<string, string | undefined>; textContent: string | null }
declare const document: { getElementById(id: string): Element | null; querySelector(selector: string): Element | null };

describe("Dashboard in a real browser", function () {
  this.timeout(60_000);

  it("shows the device online, charts that update, and a command's reply", async function () {
    assert.ok(existsSync(CHROMIUM), `Debian's chromium is needed at ${CHROMIUM}`);
    const server = new CompanionServer({ port: 0, database: ":memory:", pingInterval: 200 });
    await server.start();
    const device = simulatedDevice({ url: `ws://127.0.0.1:${server.port}/device`, deviceId: "sim-dash", token: server.credentials.add("sim-dash"),
      periodMs: 100, batchSize: 2, ringCapacity: 600 });
    device.start();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      await page.goto(`http://127.0.0.1:${server.port}/`);
      await page.waitForSelector("#devices tbody tr td.online", { timeout: 10_000 });
      assert.equal(await page.textContent("#devices tbody tr td"), "sim-dash");
      await page.waitForFunction(() => Number(document.getElementById("charts")?.dataset.points ?? 0) >= 5, undefined, { timeout: 15_000 });
      const first = Number(await page.getAttribute("#charts", "data-points"));
      await page.waitForFunction((n) => Number(document.getElementById("charts")?.dataset.points ?? 0) > n, first, { timeout: 10_000 });
      assert.equal(await page.locator(".chart canvas").count(), 5, "a chart per reading");
      await page.fill("#cmd", "set-output");
      await page.fill("#args", '{"value": 1}');
      await page.click("#console button");
      await page.waitForFunction(() => document.getElementById("replies")?.textContent?.includes('"ok":true'), undefined, { timeout: 10_000 });
      assert.match(await page.textContent("#replies") ?? "", /set-output → 200 .*"result":\{"value":1\}/);
      await page.waitForFunction(() => /\d+ ms/.test(document.querySelector("#devices tbody tr")?.textContent ?? ""), undefined, { timeout: 10_000 });
      mkdirSync("build/screenshots", { recursive: true });
      await page.screenshot({ path: "build/screenshots/dashboard.png", fullPage: true });
    } finally {
      await browser.close();
      device.stop();
      await server.stop();
    }
  });
});
