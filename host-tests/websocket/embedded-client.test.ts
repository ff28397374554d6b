// Moddable's examples/io/tcp/websocketclient usage, written again here against our ECMA-419 client
// and a ws server over real TCP: text, a message in fragments, binary, pings, and a 70 KB binary
// message written in pieces with backpressure per piece and read back in pieces.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { WebSocketServer as WsServer } from "ws";
import { type WebSocketClientOptions, webSocketClientClass } from "../../firmware/websocket/embedded-client.js";
import { nodeNetwork } from "../../host/network-node.js";
import { NodeTCP } from "../../host/node-tcp.js";
import { nodePlatform } from "../../host/platform-node.js";
import { closeWs, until, wsEchoServer } from "../support/net.js";

const WebSocketClient = webSocketClientClass({ platform: nodePlatform, timers: nodeNetwork.timers });
const fromString = (s: string) => new Uint8Array(Buffer.from(s)).buffer as ArrayBuffer;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** What the app saw: whole messages put together from the pieces it read, and control frames. */
interface Seen { messages: { binary: boolean; data: Buffer }[]; controls: string[]; events: string[]; pieces: number }

function recorder(): { seen: Seen; callbacks: Pick<WebSocketClientOptions, "onReadable" | "onControl" | "onClose" | "onError"> } {
  const seen: Seen = { messages: [], controls: [], events: [], pieces: 0 };
  let parts: Buffer[] = [];
  return {
    seen,
    callbacks: {
      onReadable(count, options) {
        seen.pieces++;
        const data = this.read(count) as ArrayBuffer | undefined;
        if (data !== undefined) parts.push(Buffer.from(data));
        if (!options.more) {
          seen.messages.push({ binary: options.binary, data: Buffer.concat(parts) });
          parts = [];
        }
      },
      onControl(opcode, data) {
        const bytes = Buffer.from(data);
        seen.controls.push(opcode === WebSocketClient.close
          ? `close ${bytes.readUInt16BE(0)} ${bytes.subarray(2).toString()}` : `${opcode} ${bytes.toString()}`);
      },
      onClose() { seen.events.push("close"); },
      onError(reason) { seen.events.push(`error ${reason}`); },
    },
  };
}

describe("The ECMA-419 WebSocket client (embedded:network/websocket/client)", function () {
  let ws: { server: WsServer; port: number } | null = null;
  afterEach(async () => {
    if (ws !== null) await closeWs(ws.server);
    ws = null;
  });

  const echo = async () => (ws = await wsEchoServer());
  /** A client open on a ws echo server, its first onWritable seen, and what it records. */
  const openOnEcho = async () => {
    const server = await echo();
    const { seen, callbacks } = recorder();
    let opened = false;
    const client = new WebSocketClient({ host: "127.0.0.1", port: server.port, socket: { io: NodeTCP }, ...callbacks,
      onWritable() { opened = true; } });
    await until(() => opened, 5000, "open");
    return { ws: server, seen, client };
  };

  it("has Moddable's static opcode constants", function () {
    assert.deepEqual([WebSocketClient.text, WebSocketClient.binary, WebSocketClient.close, WebSocketClient.ping,
      WebSocketClient.pong], [1, 2, 8, 9, 10]);
  });

  it("runs Moddable's example: a pong, pings, binary by default, text in two fragments, a long text, binary", async function () {
    const ws = await echo();
    const unsolicited: string[] = [];
    ws.server.on("connection", (peer) => peer.on("pong", (data) => unsolicited.push(data.toString())));
    const { seen, callbacks } = recorder();
    let counter = 0;
    const client = new WebSocketClient({
      host: "127.0.0.1", port: ws.port, path: "/", socket: { io: NodeTCP }, ...callbacks,
      onWritable() {
        if (counter++ !== 0) return;
        this.write(fromString("pong"), { opcode: WebSocketClient.pong });
        this.write(fromString("ping!"), { opcode: WebSocketClient.ping });
        this.write(fromString("this is a test 1"));
        this.write(fromString("this is a test 2"), { binary: false, more: true });
        this.write(fromString("this is a test 3"), { binary: false });
        this.write(fromString("abcdefghijklmnopqrstuvwyxz".repeat(8)), { binary: false });
        this.write(fromString("this is a test 4"), { binary: true });
        this.write(fromString("ping!!"), { opcode: WebSocketClient.ping });
      },
    });
    await until(() => seen.messages.length === 4 && seen.controls.length === 2, 5000, "the echoes and pongs");
    assert.deepEqual(seen.messages.map((m) => `${m.binary ? "binary" : "text"} ${m.data.toString()}`), [
      "binary this is a test 1", "text this is a test 2this is a test 3",
      `text ${"abcdefghijklmnopqrstuvwyxz".repeat(8)}`, "binary this is a test 4"]);
    assert.deepEqual(seen.controls, ["10 ping!", "10 ping!!"]);
    assert.deepEqual(unsolicited, ["pong"]);
    client.write(Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65), { opcode: WebSocketClient.close }); // 1000 "bye"
    await until(() => seen.events.length > 0, 5000, "the close");
    assert.deepEqual(seen.controls.slice(2), ["close 1000 bye"]);
    assert.deepEqual(seen.events, ["close"]);
  });

  it("writes a 70 KB binary message in pieces, each after onWritable, and reads its echo in pieces later", async function () {
    const ws = await echo();
    const received: { length: number; hash: string }[] = [];
    ws.server.on("connection", (peer) => peer.on("message", (data: Buffer) => received.push({ length: data.length, hash: sha(data) })));
    const message = new Uint8Array(70 * 1024).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
    const piece = 4096;
    let written = 0;
    let writableCalls = 0;
    const echoed: Buffer[] = [];
    const flags: boolean[] = [];
    const client = new WebSocketClient({
      host: "localhost", port: ws.port, socket: { io: NodeTCP, sendWindow: 8192 },
      onWritable() {
        writableCalls++;
        if (written >= message.length) return;
        const end = Math.min(written + piece, message.length);
        this.write(message.subarray(written, end), { binary: true, more: end < message.length });
        written = end;
      },
      // read from a timer, as the example's commented-out Timer.set does: the bytes wait until then
      onReadable(_count, options) {
        flags.push(options.more);
        setTimeout(() => {
          let data;
          while ((data = this.read(1000)) !== undefined) echoed.push(Buffer.from(data as ArrayBuffer));
        }, 1);
      },
      onError(reason) { throw new Error(`unexpected error ${reason}`); },
    });
    await until(() => Buffer.concat(echoed).length === message.length, 10_000, "the echo");
    assert.deepEqual(received, [{ length: message.length, hash: sha(message) }], "the server got one message");
    assert.ok(writableCalls >= Math.ceil(message.length / piece), `one onWritable per piece (${writableCalls})`);
    assert.equal(sha(Buffer.concat(echoed)), sha(message));
    assert.ok(flags.length > 1 && flags.slice(0, -1).every((m) => m) && !flags[flags.length - 1], `pieces with more, the last without: ${flags}`);
    client.close();
  });

  it("reads byte by byte as numbers in the \"number\" format and keeps its target", async function () {
    const ws = await echo();
    const bytes: number[] = [];
    let more = true;
    let sent = false;
    const client = new WebSocketClient({ host: "127.0.0.1", port: ws.port, socket: { io: NodeTCP }, format: "number", target: "t1",
      onWritable() { if (!sent) this.write(Uint8Array.of(5, 6, 7)); sent = true; },
      onReadable(count, options) {
        for (let i = 0; i < count; i++) bytes.push(this.read() as number);
        more = options.more;
      } });
    await until(() => bytes.length === 3 && !more, 5000, "the echo");
    assert.deepEqual(bytes, [5, 6, 7]);
    assert.equal((client as unknown as { target: string }).target, "t1");
    client.close();
  });

  it("reports the server's close with its code and reason, then onClose", async function () {
    const ws = await echo();
    ws.server.on("connection", (peer) => setTimeout(() => peer.close(4001, "server says bye"), 20));
    const { seen, callbacks } = recorder();
    new WebSocketClient({ host: "127.0.0.1", port: ws.port, socket: { io: NodeTCP }, ...callbacks });
    await until(() => seen.events.length > 0, 5000, "the close");
    assert.deepEqual(seen.controls, ["close 4001 server says bye"]);
    assert.deepEqual(seen.events, ["close"]);
  });

  it("reports a refused handshake through onError with its code, and sends the protocol and headers it was given", async function () {
    const server = new WsServer({ host: "127.0.0.1", port: 0,
      verifyClient: (info: { req: { headers: Record<string, unknown> } }) => info.req.headers["x-token"] === "right" });
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as AddressInfo).port;
    ws = { server, port };
    const protocols: string[] = [];
    server.on("connection", (_peer, req) => protocols.push(String(req.headers["sec-websocket-protocol"])));
    const wrong = recorder();
    new WebSocketClient({ host: "127.0.0.1", port, socket: { io: NodeTCP }, headers: new Map([["X-Token", "wrong"]]), ...wrong.callbacks });
    const right = recorder();
    let opened = false;
    const client = new WebSocketClient({ host: "127.0.0.1", port, socket: { io: NodeTCP }, protocol: "chat",
      headers: new Map([["X-Token", "right"]]), ...right.callbacks, onWritable() { opened = true; } });
    await until(() => wrong.seen.events.length > 0 && opened, 5000, "both answers");
    assert.deepEqual(wrong.seen.events, ["error WS_ERR_UNEXPECTED_STATUS"]);
    assert.deepEqual(protocols, ["chat"]);
    assert.throws(() => new WebSocketClient({ host: "127.0.0.1", port, socket: { io: NodeTCP },
      headers: new Map([["X-Token", "a\r\nEvil: 1"]]) }), TypeError);
    client.close();
  });

  it("writes the bytes a DataView or an Int16Array covers, not an empty message", async function () {
    const { seen, client } = await openOnEcho();
    const buffer = Uint8Array.of(9, 1, 2, 3, 9).buffer;
    client.write(new DataView(buffer, 1, 3));
    client.write(new Int16Array(buffer, 2, 1)); // bytes 2 and 3
    await until(() => seen.messages.length === 2, 5000, "both echoes");
    assert.deepEqual(seen.messages.map((m) => [...m.data]), [[1, 2, 3], [2, 3]]);
    client.close();
  });

  it("closes at once and silently on close(), as Moddable's does, and refuses to write after it", async function () {
    const { ws, seen, client } = await openOnEcho();
    // a string or null is no buffer: a TypeError (new Uint8Array("text") would have sent an empty message)
    for (const bad of ["text", null, 42]) assert.throws(() => client.write(bad as unknown as ArrayBuffer), TypeError);
    client.close();
    assert.throws(() => client.write(fromString("late")), /not open/);
    await until(() => ws.server.clients.size === 0, 5000, "the server sees the socket go");
    assert.deepEqual(seen.events, []);
  });
});
