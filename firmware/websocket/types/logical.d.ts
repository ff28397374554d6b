// Moddable's "logical" module ($(MODULES)/data/logical): bitwise operations on buffers, in C.
// Neither @moddable/typings 5.6.0 nor the SDK's own typings declare it, so platform-device.ts
// references this file (mcconfig's TypeScript setup reads no other project declaration).
declare module "logical" {
  export default class Logical {
    /**
     * dst ^= src, src repeating over the whole of dst. The native takes an optional count, but SDK
     * 8.2.3's wrapper passes (dst, src) only: a count would be dropped, so it is not declared here.
     */
    static xor(dst: ArrayBuffer | ArrayBufferView, src: ArrayBuffer | ArrayBufferView | number | string): void;
  }
}

/**
 * xsc's own syntax (compiling with -c, as mcconfig does): the host function named, from a module's C
 * code in the build. A call only in name: `native` is no function at run time.
 */
declare function native(name: string): (...args: never[]) => unknown;
