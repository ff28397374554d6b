// Encodes, frames and decodes every text of texts.ts, so that Node and each XS engine compute the
// same plain data: UTF-8 lengths, bytes, frames (fragmented at several sizes, masked and not) and
// the decoded strings compared with what a peer must read.

import { Connection } from "../../firmware/websocket/core/connection.js";
import { utf8Decode, utf8DecodeScript, utf8Encode, utf8EncodeScript, utf8Length } from "../../firmware/websocket/core/utf8.js";
import { seededRandom, toHex } from "../support/hex.js";
import { TEXTS } from "./texts.js";

export interface TextResult {
  /** utf8Length(text), and the bytes utf8Encode gives. */
  length: number;
  hex: string;
  /** The frames sent as a server (unmasked) and as a client (seeded masks), and fragmented at 5 bytes. */
  frames: { server: string[]; client: string[]; client5: string[] };
  /** Each fragmentation's payloads joined give the same bytes, and lengths add up. */
  fragmentsAgree: boolean;
  /** utf8Decode of the bytes equals the text a peer must read (lone surrogates as U+FFFD). */
  decodes: boolean;
  /** The script paths give what the native ones give, where the engine has them (Moddable's XS). */
  scriptAgrees: boolean;
}

const FRAGMENTS = [0, 4, 5, 7, 13];

/** Every frame a connection sends for `text`, as hex, with the fragment size given. */
export function textFrames(role: "client" | "server", text: string, fragmentSize: number): string[] {
  const conn = new Connection({ role, handler: {}, fragmentSize, outputSize: 256, maxMessage: 64,
    random: role === "client" ? seededRandom(3) : undefined });
  conn.send(text);
  const frames: string[] = [];
  for (let n = conn.encodeNext(); n > 0; n = conn.encodeNext()) frames.push(toHex(conn.memory, conn.outputStart, conn.outputStart + n));
  return frames;
}

/** The payloads of unmasked frames, joined, and whether each header's length matched its payload. */
function joinPayloads(frames: string[]): { hex: string; lengthsMatch: boolean } {
  let hex = "";
  let lengthsMatch = true;
  for (const f of frames) {
    let n = parseInt(f.slice(2, 4), 16) & 0x7f;
    let at = 4;
    if (n === 126) { n = parseInt(f.slice(4, 8), 16); at = 8; }
    if ((f.length - at) / 2 !== n) lengthsMatch = false;
    hex += f.slice(at);
  }
  return { hex, lengthsMatch };
}

export function runTexts(): Record<string, TextResult> {
  const results: Record<string, TextResult> = {};
  for (const c of TEXTS) {
    const bytes = utf8Encode(c.text);
    const hex = toHex(bytes);
    let fragmentsAgree = true;
    for (const size of FRAGMENTS) {
      const joined = joinPayloads(textFrames("server", c.text, size));
      if (joined.hex !== hex || !joined.lengthsMatch) fragmentsAgree = false;
    }
    results[c.name] = {
      length: utf8Length(c.text), hex,
      frames: { server: textFrames("server", c.text, 0), client: textFrames("client", c.text, 0), client5: textFrames("client", c.text, 5) },
      fragmentsAgree,
      decodes: utf8Decode(bytes, 0, bytes.length) === c.expect,
      scriptAgrees: toHex(utf8EncodeScript(c.text)) === hex && utf8DecodeScript(bytes, 0, bytes.length) === c.expect,
    };
  }
  return results;
}
