// The simulator's server check: a ws client sends text, binary, a 3,000-byte text and a 4,000-byte
// binary (its middle reads unmasked in place by the firmware's native mask) to the app's server on 127.0.0.1,
// checks the echoes and closes with 1000. Exit status 0 when all came back.

import WebSocket from "ws";

const port = Number(process.argv[2]);
const large = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 13 + (i >> 8)) & 0xff));
const sent: (string | Buffer)[] = ["probe", Buffer.from([7, 0, 255]), "y".repeat(3000), large];
const got: (string | Buffer)[] = [];
const timer = setTimeout(() => { console.log("probe: timed out"); process.exit(1); }, 15_000);

/** The simulator polls its listener: a refused connection is tried again, 20 times at most. */
function attempt(left: number): void {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/probe`);
  let opened = false;
  ws.on("open", () => { opened = true; for (const m of sent) ws.send(m); });
  ws.on("message", (data: Buffer, binary) => {
    got.push(binary ? data : data.toString());
    if (got.length === sent.length) ws.close(1000, "probe done");
  });
  ws.on("close", () => {
    if (!opened) return;
    clearTimeout(timer);
    const ok = got.length === sent.length && got[0] === sent[0] && Buffer.compare(got[1] as Buffer, sent[1] as Buffer) === 0
      && got[2] === sent[2] && Buffer.compare(got[3] as Buffer, large) === 0;
    console.log(ok ? "probe: echoes match" : `probe: echoes differ (${got.length} received)`);
    process.exit(ok ? 0 : 1);
  });
  ws.on("error", (e) => {
    if (opened || left === 0) { console.log(`probe: ${e.message}`); process.exit(1); }
    setTimeout(() => attempt(left - 1), 100);
  });
}
attempt(20);
