// What Moddable's XS has and the test host's XS lacks, for its ECMA-419 client: Math.irandom
// (native, so bracketed off like the other stand-ins), and, for the handshake only (not measured),
// ArrayBuffer.fromString and Uint8Array.prototype.toBase64.
import { base64Encode } from "../../../firmware/websocket/core/base64.js";
import { enter, leave } from "../probe.js";

const math = Math as unknown as { irandom?: (n: number) => number };
math.irandom ??= (n: number): number => {
  enter();
  const r = Math.floor(Math.random() * n);
  leave();
  return r;
};

const buffers = ArrayBuffer as unknown as { fromString?: (s: string) => ArrayBuffer };
buffers.fromString ??= (s: string): ArrayBuffer => {
  const bytes = new Uint8Array(s.length); // the handshake is ASCII
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes.buffer;
};

const proto = Uint8Array.prototype as unknown as { toBase64?: () => string };
proto.toBase64 ??= function (this: Uint8Array): string { return base64Encode(this); };
