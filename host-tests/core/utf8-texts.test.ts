import assert from "node:assert/strict";
import { runTexts } from "../../fixtures/corpus/run-texts.js";
import { TEXTS } from "../../fixtures/corpus/texts.js";
import { wsEvents } from "../fuzz/ws-oracle.js";
import WebSocket from "ws";
import { digest, fromHex, toHex } from "../../fixtures/hex.js";
import { closeWs, ourClient, ourEchoServer, until, wsEchoServer } from "../support/net.js";
import { resultOf, runUnderXs } from "../../fixtures/xs/xs-host.js";

describe("Text of every UTF-8 shape", function () {
  this.timeout(300_000);
  const node = runTexts();

  for (const c of TEXTS) {
    it(`is encoded as TextEncoder does, framed with the right lengths and decoded back: ${c.name}`, function () {
      const r = node[c.name];
      const expected = new TextEncoder().encode(c.text);
      assert.equal(r.hex, toHex(expected));
      assert.equal(c.utf8, toHex(expected), "the corpus's own UTF-8 literal");
      assert.equal(r.length, expected.length);
      assert.ok(r.fragmentsAgree, "fragments join to the same bytes, each header's length matching");
      assert.ok(r.decodes, "decoded to the text a peer reads");
      assert.ok(r.scriptAgrees, "the script paths agree");
    });
  }

  it("reaches ws's receiver byte-exact as every frame we send, in both roles, split at every byte", function () {
    for (const c of TEXTS) {
      const want = `message 1 ${digest(new TextEncoder().encode(c.expect))}`;
      const { server, client, client5 } = node[c.name].frames;
      for (const [role, frames] of [["client", server], ["server", client], ["server", client5]] as const) {
        const bytes = fromHex(frames.join(""));
        const cuts = bytes.length <= 256 ? bytes.length : 64; // every byte; a long text at 64 places
        for (let k = 0; k <= cuts; k++) {
          const cut = Math.round((k * bytes.length) / cuts);
          assert.deepEqual(wsEvents(role, 1 << 20, bytes, cut === 0 ? [] : [cut]), [want], `${c.name}, ${role}, cut ${cut}`);
        }
      }
    }
  });

  it("round-trips byte-exact through ws over TCP: our client to a ws echo server, a ws client to our echo server", async function () {
    const { server, port } = await wsEchoServer();
    const { client, rec } = ourClient(`ws://127.0.0.1:${port}/`, { outputSize: 512 });
    await until(() => client.state === "open");
    for (const c of TEXTS) client.send(c.text);
    await until(() => rec.messages.length === TEXTS.length);
    client.close();
    TEXTS.forEach((c, i) => assert.equal(toHex(rec.messages[i].data), toHex(new TextEncoder().encode(c.expect)), c.name));
    const ours = await ourEchoServer({ outputSize: 512 });
    const ws = new WebSocket(`ws://127.0.0.1:${ours.port}/`);
    const back: string[] = [];
    ws.on("message", (data) => back.push(data.toString()));
    await new Promise((r) => ws.once("open", r));
    for (const c of TEXTS) ws.send(c.text);
    await until(() => back.length === TEXTS.length);
    ws.close();
    TEXTS.forEach((c, i) => assert.equal(back[i], c.expect, c.name));
    await until(() => client.state === "closed" && ws.readyState === WebSocket.CLOSED);
    ours.close();
    await closeWs(server);
  });

  it("gives the same under XS without String.prototype.isWellFormed, the native bytes validated instead (device engine)", async function () {
    const xs = resultOf(await runUnderXs("build/host-tests/xs/texts-fallback-entry.js", { timeoutMs: 240_000 })) as typeof node;
    for (const c of TEXTS) assert.deepEqual(xs[c.name], node[c.name], c.name);
  });

  for (const engine of ["device", "cesu8"] as const) {
    it(`gives the same lengths, bytes, frames and decoded text under XS as on Node (${engine} engine)`, async function () {
      const xs = resultOf(await runUnderXs("build/host-tests/xs/texts-entry.js", { engine, timeoutMs: 240_000 })) as typeof node;
      for (const c of TEXTS) assert.deepEqual(xs[c.name], node[c.name], c.name);
    });
  }
});
