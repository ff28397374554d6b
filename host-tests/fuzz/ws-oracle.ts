// The conformance reference: the same bytes through the receiver of `ws`, Node's WebSocket library,
// reduced to the lines our transcript uses, so that the two decoders can be compared event by event.

import { createRequire } from "node:module";
import { digest } from "../../fixtures/hex.js";

const require = createRequire(import.meta.url);
// ws exports no types for its receiver; it is a Writable that emits as it parses
const Receiver = require("ws").Receiver as new (options: object) => {
  on(event: string, listener: (...args: any[]) => void): void;
  _write(chunk: Uint8Array, encoding: string, done: (error?: Error) => void): void;
};

/** What ws makes of `bytes` cut at `cuts`: messages, pings, pongs, then a close or an error (close code). */
export function wsEvents(role: "client" | "server", maxMessage: number, bytes: Uint8Array, cuts: number[]): string[] {
  const events: string[] = [];
  let done = false;
  const receiver = new Receiver({ isServer: role === "server", maxPayload: maxMessage, allowSynchronousEvents: true });
  receiver.on("message", (data: Buffer, isBinary: boolean) => events.push(`message ${isBinary ? 2 : 1} ${digest(data)}`));
  receiver.on("ping", (data: Buffer) => events.push(`ping ${digest(data)}`));
  receiver.on("pong", (data: Buffer) => events.push(`pong ${digest(data)}`));
  receiver.on("conclude", (code: number, reason: Buffer) => {
    events.push(`close ${code} ${JSON.stringify(reason.toString())}`);
    done = true;
  });
  // errors reach the Writable's callback, which emits them a tick later: take them from the callback
  const failed = (e?: Error) => {
    if (e === undefined || e === null) return;
    const status = Object.getOwnPropertySymbols(e).map((s) => (e as any)[s]).find((v) => typeof v === "number");
    events.push(`error ${status}`);
    done = true;
  };
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    if (done) break;
    receiver._write(Buffer.from(bytes.subarray(from, to)), "buffer", failed);
    from = to;
  }
  return events;
}

/** Our transcript in the same terms: the close a peer sent, or the error's close code, ends it. */
export function comparableEvents(events: string[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.startsWith("error ")) {
      out.push(`error ${e.split(" ")[2]}`);
      break;
    }
    if (e.startsWith("close ")) {
      out.push(e.replace(/ (clean|unclean)$/, ""));
      break;
    }
    if (/^(message|ping|pong) /.test(e)) out.push(e);
  }
  return out;
}
