// A device's samples as CSV over real HTTP: RFC 4180 fields, the newest `limit` of a range oldest
// first, streamed page by page (csv-export.ts) rather than built whole.

import assert from "node:assert/strict";
import type { CompanionServer } from "../../host/companion/companion-server.js";
import { CSV_PAGE } from "../../host/companion/csv-export.js";
import { companion } from "./helpers.js";
import { session, type Session } from "./http-client.js";

describe("The CSV export", function () {
  this.timeout(30_000);
  let server: CompanionServer;
  let base: string;
  let s: Session;
  const n = 2 * CSV_PAGE + 500; // three pages and a part

  before(async function () {
    server = await companion();
    base = `http://127.0.0.1:${server.port}`;
    s = await session(base);
    await server.store.hello("csv-1", 1, { channels: ["temp", "rh, \"raw\""], units: ["°C", ""], commands: [] });
    for (let first = 0; first < n; first += 500) {
      await server.store.add({ deviceId: "csv-1", channels: 2, bootId: 9, firstSequence: first, dropped: 0,
        timestamps: Array.from({ length: 500 }, (_, i) => Date.UTC(2026, 0, 1) + 1000 * (first + i)),
        readings: Array.from({ length: 500 }, (_, i) => [first + i, (first + i) % 7 === 0 ? NaN : 0.5]) }, 1);
    }
  });
  after(async function () { await server.stop(); });

  it("streams the newest `limit` samples oldest first, chunked, with quoted headers and empty fields for what was not a number", async function () {
    const r = await fetch(`${base}/api/devices/csv-1/samples.csv?limit=${n - 300}`, { headers: s.headers });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.equal(r.headers.get("content-length"), null, "not built whole before it is sent");
    assert.equal(r.headers.get("transfer-encoding"), "chunked");
    const lines = (await r.text()).split("\r\n");
    assert.equal(lines.pop(), "", "every line ends with CRLF");
    assert.equal(lines[0], 'time,boot,seq,temp (°C),"rh, ""raw"""');
    assert.equal(lines.length, 1 + n - 300);
    assert.equal(lines[1], `${new Date(Date.UTC(2026, 0, 1) + 300_000).toISOString()},9,300,300,0.5`);
    assert.equal(lines[lines.length - 1], `${new Date(Date.UTC(2026, 0, 1) + 1000 * (n - 1)).toISOString()},9,${n - 1},${n - 1},${(n - 1) % 7 === 0 ? "" : "0.5"}`);
    const seqs = lines.slice(1).map((l) => Number(l.split(",")[2]));
    assert.deepEqual(seqs, Array.from({ length: n - 300 }, (_, i) => 300 + i));
    assert.equal(lines[2], `${new Date(Date.UTC(2026, 0, 1) + 301_000).toISOString()},9,301,301,`, "seq 301: NaN stored as null, exported empty");
  });

  it("takes a time range, and answers an unknown device with 404 and a range with nothing in it with the header alone", async function () {
    const from = Date.UTC(2026, 0, 1) + 10_000, to = from + 4_000;
    const lines = (await (await fetch(`${base}/api/devices/csv-1/samples.csv?from=${from}&to=${to}`, { headers: s.headers })).text()).split("\r\n");
    assert.deepEqual(lines.slice(1, -1).map((l) => Number(l.split(",")[2])), [10, 11, 12, 13, 14]);
    const unknown = await fetch(`${base}/api/devices/nobody/samples.csv`, { headers: s.headers });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, "UNKNOWN_DEVICE");
    const empty = await (await fetch(`${base}/api/devices/csv-1/samples.csv?from=1&to=2`, { headers: s.headers })).text();
    assert.equal(empty, 'time,boot,seq,temp (°C),"rh, ""raw"""\r\n');
  });

  it("answers 500 with an error code, not a cut-off 200, when the store fails before the first page", async function () {
    const pages = server.store.pages;
    server.store.pages = async function* () { throw new Error("disk I/O error"); };
    try {
      const r = await fetch(`${base}/api/devices/csv-1/samples.csv`, { headers: s.headers });
      assert.equal(r.status, 500);
      assert.match(r.headers.get("content-type") ?? "", /application\/json/);
      assert.deepEqual(await r.json(), { error: { code: "FAILED", message: "internal error" } });
    } finally {
      server.store.pages = pages;
    }
  });
});
