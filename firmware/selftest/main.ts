// A self-test app for the Moddable simulator or a board: runs the protocol core on Moddable's own
// XS and traces one PASS or FAIL line. `make sim` builds it.

import { acceptFor } from "../websocket/core/accept.js";
import { Connection } from "../websocket/core/connection.js";
import { sha1 } from "../websocket/core/sha1.js";

declare function trace(text: string): void;

function check(name: string, ok: boolean, failures: string[]): void {
  if (!ok) failures.push(name);
}

function run(): string[] {
  const failures: string[] = [];
  check("RFC 6455 accept key", acceptFor("dGhlIHNhbXBsZSBub25jZQ==", sha1) === "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", failures);

  let received = "";
  let closed = "";
  const server = new Connection({
    role: "server", maxMessage: 64,
    handler: {
      onMessage(type, data, length) { received = `${type}:${String.fromCharCode(...data.subarray(0, length))}`; },
      onClose(code, _reason, clean) { closed = `${code}:${clean}`; },
    },
  });
  // RFC 6455 5.7: a masked "Hello", split across two reads, then a masked close 1000
  const input = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58, 0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xe8 ^ 2];
  server.input.set(input.slice(0, 5));
  server.receive(server.input, 0, 5);
  server.input.set(input.slice(5));
  server.receive(server.input, 0, input.length - 5);
  check("masked Hello in two reads", received === "1:Hello", failures);
  check("close 1000 echoed and clean", closed === "1000:true" && server.encodeNext() === 4 && server.output[0] === 0x88, failures);
  return failures;
}

let verdict: string;
try {
  const failures = run();
  verdict = failures.length === 0 ? "PASS websocket core self-test" : `FAIL websocket core self-test: ${failures.join(", ")}`;
} catch (e) {
  verdict = `FAIL websocket core self-test: ${(e as Error).message} ${(e as Error).stack ?? ""}`;
}
trace(verdict + "\n");
