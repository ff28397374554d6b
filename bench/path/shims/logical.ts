// Stands in for Moddable's native "logical" module (modules/data/logical): xor(dst, src, count?)
// with src repeating over dst, as xs_logical_op does. Native on a device, so its body is bracketed
// off as the fake's and only the call is counted.
import { enter, leave } from "../probe.js";

type Bytes = ArrayBuffer | ArrayBufferView;

function view(b: Bytes): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export default class Logical {
  static xor(dst: Bytes, src: Bytes | number, count?: number): void {
    enter();
    const d = view(dst);
    const s = typeof src === "number" ? Uint8Array.of(src) : view(src);
    const n = count ?? d.length;
    for (let i = 0, j = 0; i < n; i++) {
      d[i] ^= s[j++];
      if (j === s.length) j = 0;
    }
    leave();
  }
}
