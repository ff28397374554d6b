import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocketServer as WsServer } from "ws";
import { closeWs, ourClient, until, wsEchoServer } from "../support/net.js";

/** A certificate for localhost and 127.0.0.1, made for this run with openssl. */
function makeCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "wss-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
  { stdio: "ignore" });
  return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
}

/** A minimal HTTP CONNECT proxy that tunnels to 127.0.0.1 only, counting its tunnels. */
function connectProxy(refuse = false): Promise<{ server: net.Server; port: number; tunnels: string[] }> {
  const tunnels: string[] = [];
  const server = net.createServer((client) => {
    let head = "";
    const onData = (d: Buffer) => {
      head += d.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      const match = /^CONNECT (127\.0\.0\.1|localhost):(\d+) HTTP\/1\.1\r\n/.exec(head);
      if (refuse || match === null) return void client.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
      tunnels.push(`${match[1]}:${match[2]}`);
      const upstream = net.connect(Number(match[2]), "127.0.0.1", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        const rest = Buffer.from(head.slice(end + 4), "latin1");
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    };
    client.on("data", onData);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () =>
    resolve({ server, port: (server.address() as AddressInfo).port, tunnels })));
}

describe("Client over TLS and through a proxy", function () {
  this.timeout(20_000);

  it("talks wss:// to a ws server with a certificate made at test time", async function () {
    const { key, cert } = makeCertificate();
    const web = https.createServer({ key, cert });
    const wss = new WsServer({ server: web });
    wss.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", () => r()));
    const port = (web.address() as AddressInfo).port;
    const { client, rec } = ourClient(`wss://localhost:${port}/secure`, { secure: { ca: cert } });
    await until(() => client.state === "open");
    client.send("over TLS");
    await until(() => rec.messages.length === 1);
    assert.equal(Buffer.from(rec.messages[0].data).toString(), "over TLS");
    client.close();
    await until(() => client.state === "closed");
    await closeWs(wss);
    web.close();
  });

  it("refuses a server whose certificate it cannot verify", async function () {
    const { key, cert } = makeCertificate();
    const web = https.createServer({ key, cert });
    const wss = new WsServer({ server: web });
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", () => r()));
    const { client, rec } = ourClient(`wss://localhost:${(web.address() as AddressInfo).port}/`);
    await until(() => client.state === "closed");
    assert.ok(!rec.events.some((e) => e.startsWith("open")));
    await closeWs(wss);
    web.close();
  });

  it("goes through an HTTP CONNECT proxy", async function () {
    const { server, port } = await wsEchoServer();
    const proxy = await connectProxy();
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/via-proxy`, { proxy: { host: "127.0.0.1", port: proxy.port } });
    await until(() => client.state === "open");
    client.send(Uint8Array.of(1, 2, 3));
    await until(() => rec.messages.length === 1);
    assert.deepEqual(Array.from(rec.messages[0].data), [1, 2, 3]);
    assert.deepEqual(proxy.tunnels, [`127.0.0.1:${port}`]);
    client.close();
    await closeWs(server);
    proxy.server.close();
  });

  it("reports a proxy's refusal with its status", async function () {
    const proxy = await connectProxy(true);
    const { client, rec } = ourClient("ws://127.0.0.1:9/", { proxy: { host: "127.0.0.1", port: proxy.port } });
    await until(() => client.state === "closed");
    assert.ok(rec.events.includes("error WS_ERR_UNEXPECTED_STATUS 407"), rec.events.join("; "));
    proxy.server.close();
  });
});
