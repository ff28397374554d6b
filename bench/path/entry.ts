// Under XS: the whole-path bench. Our client and server (and Moddable's ECMA-419 client when
// bench/path/moddable-bundle.js has bundled it into build/) receive and send every cell over fake
// ECMA-419 sockets; fixed bytes are measured live after a full collection. Prints one RESULT line.

import "./shims/globals.js";
import { calibrateDriver, type CellResult, floorPerDelivery, payload, perPass, type Segmenting, receiveCell, segmentsFor, sendCell, textOf,
  variedFrames } from "./cells.js";
import { FakeSocket } from "./fake-socket.js";
import { type ModdableClass, openModdable, textBuffers } from "./moddable.js";
import { acceptOnServer, type Endpoint, openClient, startServer } from "./ours.js";
import { calibrate, live } from "./probe.js";

const bracket = calibrate();
const driver = calibrateDriver();
const Moddable: ModdableClass | null = await import("./moddable-client.js" as string).then(
  (m: { default: ModdableClass }) => m.default, () => null);

/**
 * Live bytes each of `count` connections `open` makes leaves behind, beyond its configured buffers
 * (none for Moddable's), after full collections. Ours are opened with small areas for this: this XS
 * may hold a large buffer outside the chunk bytes it counts, which would blur the difference.
 */
function fixed(open: (socket: FakeSocket) => unknown, buffers: number, count = 4): { slots: number; chunks: number; deviceBytes: number } {
  const held: unknown[] = [];
  const sockets: FakeSocket[] = [];
  for (let i = 0; i < count; i++) { held.push(null); sockets.push(new FakeSocket()); } // made before: the fake's, not counted
  const before = live();
  for (let i = 0; i < count; i++) held[i] = open(sockets[i]);
  const after = live();
  const slots = (after.slots - before.slots) / count;
  const chunks = (after.chunks - before.chunks) / count - buffers;
  (globalThis as { held?: unknown }).held = held; // kept until measured
  return { slots, chunks, deviceBytes: slots * 16 + chunks };
}

const server = startServer();
const endpoints: Record<string, Endpoint> = {};
endpoints.client = openClient(new FakeSocket()).endpoint; // the first of each builds the classes' structures
endpoints.server = acceptOnServer(server, new FakeSocket());
const SMALL = { inputSize: 64, outputSize: 140, streaming: true } as const; // 140: the least an output area may be
const small = startServer(SMALL); // from here on acceptOnServer() connects to it
acceptOnServer(small, new FakeSocket());
openClient(new FakeSocket(), SMALL);
const idle: Record<string, { slots: number; chunks: number; deviceBytes: number }> = {
  "connected idle client (ours)": fixed((socket) => openClient(socket, SMALL).endpoint.held, SMALL.inputSize + SMALL.outputSize),
  "accepted connection on a server (ours)": fixed((socket) => acceptOnServer(small, socket).held, SMALL.inputSize + SMALL.outputSize),
};
if (Moddable !== null) {
  endpoints.moddable = openModdable(Moddable, new FakeSocket());
  idle["connected idle client (Moddable's)"] = fixed((socket) => openModdable(Moddable, socket).held, 0);
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

// beside the table, no target of its own: frames whose sizes vary, as most traffic's do
const varied: Record<string, CellResult> = {};
for (const [name, e] of Object.entries(endpoints)) varied[name] = receiveCell(e, variedFrames(e), 256, driver);

print("RESULT " + JSON.stringify({ rows, idle, varied, calibration: { bracket, ...driver, floor: floorPerDelivery(driver).steps }, moddable: Moddable !== null }));
