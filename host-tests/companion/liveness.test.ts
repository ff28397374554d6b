import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommandFailure } from "../../host/companion/device-links.js";
import { banner } from "../../host/companion/settings.js";
import { FaultProxy } from "../support/fault-proxy.js";
import { until } from "../support/net.js";
import { companion, device } from "./helpers.js";

describe("Liveness and TLS", function () {
  this.timeout(20_000);

  it("marks a silent device offline after two ping intervals, fails its pending command at once, and calls its round trip unknown", async function () {
    const server = await companion({ pingInterval: 200, commandTimeout: 10_000 });
    const proxy = new FaultProxy(server.port);
    await proxy.listen();
    // the device's own heartbeat is slow, so only the server can notice the silence
    const app = device(server, "dev-silent", { url: `ws://127.0.0.1:${proxy.port}/device`, periodMs: 50,
      heartbeat: { interval: 60_000, timeout: 60_000 }, reconnect: { initialDelay: 30_000, maxDelay: 30_000 } });
    await until(() => server.links.rtt("dev-silent") !== null, 5000, "a measured round trip");
    proxy.inject({ kind: "silence" }); // Wi-Fi gone: no TCP close reaches the server
    const pending = server.command("dev-silent", "status");
    const failure = await pending.then(() => null, (e: CommandFailure) => e);
    assert.ok(failure instanceof CommandFailure);
    assert.equal(failure.code, "DEVICE_SILENT", "failed when the device went offline, not by the 10 s command timeout");
    assert.equal(failure.status, 503);
    assert.equal(server.online("dev-silent"), false);
    assert.equal(server.links.rtt("dev-silent"), null);
    assert.equal(server.stats.offline, 1);
    app.stop();
    proxy.close();
    await server.stop();
  });

  it("speaks https and wss from a certificate and key, and the banner gives those URLs", async function () {
    const dir = mkdtempSync(join(tmpdir(), "companion-tls-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
      { stdio: "ignore" });
      const tls = { cert: readFileSync(join(dir, "cert.pem")), key: readFileSync(join(dir, "key.pem")) };
      const server = await companion({ tls });
      const app = device(server, "dev-tls", { url: `wss://127.0.0.1:${server.port}/device`, tls: { ca: tls.cert } });
      await until(() => server.store.recent("dev-tls", 10).length >= 5, 10_000, "samples over wss");
      const status = await new Promise<number>((resolve, reject) => {
        https.get(`https://127.0.0.1:${server.port}/api/session`, { ca: tls.cert, agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on("error", reject);
      });
      assert.equal(status, 200);
      const lines = banner({ port: 0, database: ":memory:", tls }, server.port, false);
      assert.ok(lines.some((l) => l.includes(`https://127.0.0.1:${server.port}/`)) && lines.some((l) => l.includes(`wss://127.0.0.1:${server.port}/device`)));
      app.stop();
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
