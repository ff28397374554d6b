/// <reference path="./types/native.d.ts" />
// The platform on a Moddable device: crypt's native SHA-1, the hardware random number generator
// (on ESP32 and ESP8266 XS draws Math.random from it; the desktop simulator's is not seeded), and
// the firmware's own C: masking in place (native/mask.c: no view and no copy, as the SDK's
// Logical.xor would need), a large frame's payload copied into the output area (native/copy.c),
// received UTF-8 checked (native/utf8-check.c), and text sent from a string's own bytes
// (native/text-bytes.c).

import { Digest } from "crypt";
import type { Copy, Mask, Platform, TextBytes, Utf8Check } from "./platform.js";

/** The firmware's own C (native/mask.c): masking in place, both ways, in one call whatever the length. */
const mask = native("xs_ws_mask") as Mask;

/** The firmware's own C (native/copy.c): a large frame's payload into the output area, a piece a call. */
const copy = native("xs_ws_copy") as Copy;

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
  mask,
  utf8,
  text,
  copy,
});
