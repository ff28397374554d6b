/// <reference path="./types/logical.d.ts" />
// The platform on a Moddable device: crypt's native SHA-1, the hardware random number generator
// (on ESP32 and ESP8266 XS draws Math.random from it; the desktop simulator's is not seeded), and
// the logical module's native xor, with which a server unmasks what it receives and a client masks
// what it sends direct, and the firmware's own C: masking in place (native/mask.c, used where both
// are: it needs no view and no copy), received UTF-8 checked (native/utf8-check.c), and text sent
// from a string's own bytes (native/text-bytes.c).

import { Digest } from "crypt";
import type { Mask, Platform, TextBytes, Utf8Check, Xor } from "./platform.js";

/**
 * The logical module's C function itself (modules/data/logical, in the manifest): xsc, which
 * mcconfig runs with -c, compiles `native("name")` to that host function. SDK 8.2.3's Logical.xor
 * wrapper passes only (dst, src), dropping the count that lets a read's view be the target of a
 * frame's payload at its start, and costs a call more.
 */
const xor = native("xs_logical_xor") as Xor;

/** The firmware's own C (native/mask.c): masking in place, both ways, in one call whatever the length. */
const mask = native("xs_ws_mask") as Mask;

/** The firmware's own C (native/utf8-check.c, built from the manifest): received text checked in one call a piece. */
const utf8 = native("xs_ws_utf8_check") as Utf8Check;

/** The firmware's own C (native/text-bytes.c): a string's UTF-8 bytes, as XS holds them, copied into a frame. */
const text: TextBytes = Object.freeze({
  size: native("xs_ws_text_size") as TextBytes["size"],
  into: native("xs_ws_text_into") as TextBytes["into"],
});

export const devicePlatform: Platform = Object.freeze({
  sha1(data: Uint8Array): Uint8Array {
    const digest = new Digest("SHA1");
    digest.write((data.buffer as ArrayBuffer).slice(data.byteOffset, data.byteOffset + data.byteLength));
    return new Uint8Array(digest.close());
  },
  random32(): number {
    // two draws of 16 bits: the generator yields 31 bits at a time
    return (((Math.random() * 0x10000) << 16) | (Math.random() * 0x10000)) >>> 0;
  },
  xor,
  mask,
  utf8,
  text,
});
