// A self-test app for the Moddable simulator or a board: runs the core's frame corpus (every case,
// split every way, as the host tests do), the text corpus in the device's string model, a few checks
// on Moddable's own XS, and the firmware's own C: its UTF-8 check against the script one
// (fixtures/utf8-check-cases.js), its text natives against the script encoder
// (fixtures/text-bytes-cases.js), its masking in place and its copy against references
// (fixtures/mask-cases.js, fixtures/copy-cases.js);
// then, when the build sets echo_port (mcconfig ... echo_port=P), a round trip through the device
// network to a WebSocket echo server on 127.0.0.1:P; then, with serve_port=Q, serves WebSocket echo
// on port Q (tracing "LISTENING Q") until one client has come and closed cleanly.
// Traces one PASS or FAIL line.

import config from "mc/config";
import { WebSocketClient } from "../websocket/client.js";
import { WebSocketServer } from "../websocket/server.js";
import { acceptFor } from "../websocket/core/accept.js";
import { Connection } from "../websocket/core/connection.js";
import { sha1 } from "../websocket/core/sha1.js";
import { utf8Decode } from "../websocket/core/utf8.js";
import { deviceNetwork } from "../websocket/device.js";
import { frameCorpus } from "../../fixtures/corpus/frames.js";
import { runCase } from "../../fixtures/corpus/run-corpus.js";
import { runTexts } from "../../fixtures/corpus/run-texts.js";
import { TEXTS } from "../../fixtures/corpus/texts.js";
import { devicePlatform } from "../websocket/platform-device.js";
import type { Mask } from "../websocket/platform.js";
import { runUtf8CheckCases } from "../../fixtures/utf8-check-cases.js";
import { runTextBytesCases } from "../../fixtures/text-bytes-cases.js";
import { runMaskCases } from "../../fixtures/mask-cases.js";
import { runCopyCases } from "../../fixtures/copy-cases.js";

declare function trace(text: string): void;

function coreChecks(): string[] {
  const failures: string[] = [];
  const check = (name: string, ok: boolean) => ok || failures.push(name);
  check("RFC 6455 accept key with the compact SHA-1", acceptFor("dGhlIHNhbXBsZSBub25jZQ==", sha1) === "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  check("RFC 6455 accept key with crypt's Digest", acceptFor("dGhlIHNhbXBsZSBub25jZQ==", devicePlatform.sha1) === "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  let received = "";
  let closed = "";
  const server = new Connection({
    role: "server", maxMessage: 64,
    handler: {
      onMessage(type, data, length) { received = `${type}:${utf8Decode(data, 0, length)}`; },
      onClose(code, _reason, clean) { closed = `${code}:${clean}`; },
    },
  });
  // RFC 6455 5.7: a masked "Hello", split across two reads, then a masked close 1000
  const input = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58, 0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xe8 ^ 2];
  const memory = server.memory;
  const at = server.inputStart;
  memory.set(input.slice(0, 5), at);
  server.receive(memory, at, at + 5);
  memory.set(input.slice(5), at);
  server.receive(memory, at, at + input.length - 5);
  check("masked Hello in two reads", received === "1:Hello");
  check("close 1000 echoed and clean", closed === "1000:true" && server.encodeNext() === 4 && memory[server.outputStart] === 0x88);
  let cases = 0;
  for (const c of frameCorpus()) {
    const r = runCase(c);
    cases++;
    check(`corpus: ${c.name}`, r.events.join("\n") === c.expect.join("\n") && r.disagreeingSplits.length === 0
      && r.bytewiseAgrees && r.randomAgrees && r.inputAreaAgrees);
  }
  check("the corpus ran", cases >= 38); // 38 cases today; fewer means the corpus did not load whole
  // text of every UTF-8 shape in this engine's string model (UTF-8 on a device, unlike Node and xsnap)
  const texts = runTexts();
  for (const c of TEXTS) {
    const r = texts[c.name];
    check(`text: ${c.name}`, r.hex === c.utf8 && r.length === c.utf8.length / 2 && r.fragmentsAgree && r.decodes && r.scriptAgrees);
  }
  if (devicePlatform.utf8 === undefined) failures.push("native utf8: devicePlatform has none");
  else {
    const r = runUtf8CheckCases(devicePlatform.utf8);
    trace(`native utf8: ${r.pieces} pieces compared with the script DFA, ${r.connectionCalls} calls from server connections, ${r.failures.length} failed\n`);
    failures.push(...r.failures.map((f) => `native utf8: ${f}`));
  }
  if (devicePlatform.text === undefined) failures.push("native text: devicePlatform has none");
  else {
    const r = runTextBytesCases(devicePlatform.text);
    trace(`native text: ${r.copies} copies compared with the script encoder, ${r.failures.length} failed\n`);
    failures.push(...r.failures.map((f) => `native text: ${f}`));
  }
  if (devicePlatform.mask === undefined) failures.push("native mask: devicePlatform has none");
  else {
    const r = runMaskCases(devicePlatform.mask);
    trace(`native mask: ${r.compared} calls compared with the reference, ${r.connectionCalls} calls from a server connection, ${r.failures.length} failed\n`);
    failures.push(...r.failures.map((f) => `native mask: ${f}`));
  }
  if (devicePlatform.copy === undefined) failures.push("native copy: devicePlatform has none");
  else {
    const r = runCopyCases(devicePlatform.copy);
    trace(`native copy: ${r.compared} calls compared with the reference, ${r.failures.length} failed\n`);
    failures.push(...r.failures.map((f) => `native copy: ${f}`));
  }
  return failures;
}

/**
 * Text and binary echoed by the server at 127.0.0.1:port, through the device's sockets. The 3,000
 * binary bytes go under one header, copied into the output area a piece at a time by the native copy
 * and masked there (direct-payload.js): the echo and the array afterwards both must match.
 * The 20,000 bytes of text go out copied into its frames by the text natives, and must come back as text.
 */
function roundTrip(port: number, done: (failure: string) => void): void {
  const got: string[] = [];
  const large = new Uint8Array(3000);
  for (let i = 0; i < large.length; i++) large[i] = (i * 31 + (i >> 8)) & 0xff;
  const same = (a: Uint8Array, length: number) => {
    if (length !== large.length) return false;
    for (let i = 0; i < length; i++) if (a[i] !== ((i * 31 + (i >> 8)) & 0xff)) return false;
    return true;
  };
  // 20,000 bytes of 1- to 4-byte characters: its native UTF-8 bytes go in two direct frames, the first cut where a character ends
  const wide = "a\u00e4\u20ac\u{1f600}".repeat(2000);
  const client: WebSocketClient = new WebSocketClient({
    url: `ws://127.0.0.1:${port}/selftest`, network: deviceNetwork(), platform: devicePlatform,
    reconnect: false, connectTimeout: 5000, maxMessage: 24576, maxQueue: 32768, // all five sent at once
    onOpen() {
      client.send("héllo from XS");
      client.send(Uint8Array.of(1, 2, 3, 250));
      client.send("x".repeat(3000)); // several frames through 1,460-byte buffers
      client.send(large);
      client.send(wide);
    },
    onMessage(type, data, length) {
      if (type === 1 && length === 20000) got.push(utf8Decode(data, 0, length) === wide ? "wide" : "wide differs");
      else got.push(type === 1 ? `${length}` : length > 4 ? `${same(data, length) ? "same" : "different"} ${length}` : Array.from(data.subarray(0, length)).join(","));
      if (got.length === 5) client.close(1000, "done");
    },
    onClose(code, _reason, clean) {
      const sent = same(large, large.length) ? "" : " (the sent array changed)";
      done(got.join("|") === "14|1,2,3,250|3000|same 3000|wide" && sent === "" && code === 1000 && clean ? ""
        : `round trip: got ${got.join("|")}${sent} close ${code} ${clean}`);
    },
  });
}

/**
 * Echoes for one client; done when it closes, with what the server saw. The probe's 4,000-byte
 * message spans three reads at least; every payload is unmasked in place by the native mask.
 */
function serve(port: number, done: (failure: string) => void): void {
  const network = deviceNetwork();
  const nativeMask = devicePlatform.mask;
  let maskCalls = 0;
  const platform = nativeMask === undefined ? devicePlatform
    : { ...devicePlatform, mask(...args: Parameters<Mask>) {
      maskCalls++;
      return nativeMask(...args);
    } };
  const server = new WebSocketServer({
    port, network, platform, maxClients: 2, maxMessage: 4096,
    onConnection(client, request) {
      let echoed = 0;
      client.handler = {
        onMessage(type, data, length) {
          echoed++;
          client.send(type === 1 ? utf8Decode(data, 0, length) : data.slice(0, length));
        },
        onClose(code, _reason, clean) {
          network.timers.set(() => server.close(), 10);
          trace(`serving: ${echoed} echoed, ${maskCalls} payload pieces unmasked by the native mask\n`);
          done(code === 1000 && clean && echoed === 4 && maskCalls > 0 && request.target === "/probe" ? ""
            : `serving: ${echoed} echoed, ${maskCalls} native mask calls, close ${code} ${clean}, path ${request.target}`);
        },
      };
    },
  });
  trace(`LISTENING ${port}\n`);
}

let failures: string[];
try {
  failures = coreChecks();
} catch (e) {
  failures = [`exception ${(e as Error).message}`];
}
const verdict = (list: string[]) =>
  trace(list.length === 0 ? "PASS websocket self-test\n" : `FAIL websocket self-test: ${list.join(", ")}\n`);
const settings = config as Record<string, unknown>;
const echoPort = Number(settings.echo_port ?? 0);
const servePort = Number(settings.serve_port ?? 0);
const then = (failure: string, next: () => void) => (failure ? verdict([failure]) : next());
const serving = () => (servePort > 0 ? serve(servePort, (failure) => verdict(failure ? [failure] : [])) : verdict([]));
if (failures.length > 0) verdict(failures);
else if (echoPort > 0) roundTrip(echoPort, (failure) => then(failure, serving));
else serving();
