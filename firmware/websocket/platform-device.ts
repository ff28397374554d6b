/// <reference path="./types/logical.d.ts" />
// The platform on a Moddable device: crypt's native SHA-1, the hardware random number generator
// (on ESP32 and ESP8266 XS draws Math.random from it; the desktop simulator's is not seeded), and
// the logical module's native xor, with which a server unmasks the body of large messages.

import { Digest } from "crypt";
import Logical from "logical";
import type { Platform } from "./platform.js";

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
  // The native ignores `this`, so the static method goes in as it is: no wrapper call per read.
  xor: Logical.xor,
});
