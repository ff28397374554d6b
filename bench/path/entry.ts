// Under XS: the whole-path bench. Our client and server (and Moddable's ECMA-419 client when
// bench/path/moddable-bundle.js has bundled it into build/) receive and send every cell over fake
// ECMA-419 sockets; fixed bytes are measured live after a full collection. Prints one RESULT line.

import "./shims/globals.js";
import { calibrateDriver, type CellResult, floorPerDelivery, payload, perPass, type Segmenting, receiveCell, segmentsFor, sendCell, textOf } from "./cells.js";
import { FakeSocket } from "./fake-socket.js";
import { type ModdableClass, openModdable, textBuffers } from "./moddable.js";
import { acceptOnServer, type Endpoint, openClient, SETTINGS, startServer } from "./ours.js";
import { calibrate, live } from "./probe.js";

const bracket = calibrate();
const driver = calibrateDriver();
const Moddable: ModdableClass | null = await import("./moddable-client.js" as string).then(
  (m: { default: ModdableClass }) => m.default, () => null);

/** Live bytes `open` leaves behind, beyond the connection's configured buffers (none for Moddable's). */
function fixed(open: () => unknown, buffers: number): { slots: number; chunks: number; deviceBytes: number } {
  const before = live();
  const held = open();
  const after = live();
  const slots = after.slots - before.slots;
  const chunks = after.chunks - before.chunks - buffers;
  (globalThis as { held?: unknown }).held = held; // kept until measured
  return { slots, chunks, deviceBytes: slots * 16 + chunks };
}

const server = startServer();
const buffers = SETTINGS.inputSize + SETTINGS.outputSize;
const endpoints: Record<string, Endpoint> = {};
endpoints.client = openClient(new FakeSocket()).endpoint; // the first of each builds the classes' structures
endpoints.server = acceptOnServer(server, new FakeSocket());
const spare = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
const idle: Record<string, { slots: number; chunks: number; deviceBytes: number }> = {
  "connected idle client (ours)": fixed(() => openClient(spare[0]), buffers),
  "accepted connection on a server (ours)": fixed(() => acceptOnServer(server, spare[1]), buffers),
};
if (Moddable !== null) {
  endpoints.moddable = openModdable(Moddable, new FakeSocket());
  idle["connected idle client (Moddable's)"] = fixed(() => openModdable(Moddable, spare[2]), 0);
}

interface Row { dir: "receive" | "send"; type: "text" | "binary"; size: number; cut?: Segmenting; ours: Record<string, CellResult>; moddable?: CellResult }
const rows: Row[] = [];
const sizes = [16, 1024, 65536];
for (const type of ["binary", "text"] as const) {
  for (const size of sizes) {
    for (const cut of [1460, 536, "frame"] as const) {
      const row: Row = { dir: "receive", type, size, cut, ours: {} };
      for (const role of ["client", "server"]) {
        const e = endpoints[role];
        row.ours[role] = receiveCell(e, segmentsFor(e, type, size, cut), perPass(size), driver);
      }
      const m = endpoints.moddable;
      if (m) row.moddable = receiveCell(m, segmentsFor(m, type, size, cut), perPass(size), driver);
      rows.push(row);
    }
  }
}
for (const type of ["binary", "text"] as const) {
  for (const size of sizes) {
    const text = textOf(size);
    const bytes = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
    const data = type === "text" ? text : bytes;
    const row: Row = { dir: "send", type, size, ours: {} };
    const header = size < 126 ? 2 : size < 65536 ? 4 : 10;
    for (const role of ["client", "server"]) {
      row.ours[role] = sendCell(endpoints[role], data, header + (role === "client" ? 4 : 0) + size, driver);
    }
    const m = endpoints.moddable;
    if (m) {
      // the same characters, encoded ahead (charCodeAt on a long XS string walks it from the start)
      textBuffers.set(text, payload("text", size).buffer as ArrayBuffer);
      row.moddable = sendCell(m, type === "text" ? text : bytes, header + 4 + size, driver);
    }
    rows.push(row);
  }
}

print("RESULT " + JSON.stringify({ rows, idle, calibration: { bracket, ...driver, floor: floorPerDelivery(driver).steps }, moddable: Moddable !== null }));
