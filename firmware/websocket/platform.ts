// What the stack needs from the platform it runs on, injected so that the core stays pure. The core
// imports these types only (erased when compiled): it never depends on a platform's code.

/** SHA-1 of the bytes, for Sec-WebSocket-Accept: crypt's Digest, node:crypto, or core/sha1.js. */
export type Sha1 = (data: Uint8Array) => Uint8Array;

/** A 32-bit unsigned integer from a strong random source (hardware RNG on the device). */
export type Random32 = () => number;

/**
 * Moddable's Logical.xor (the `logical` module): dst ^= src repeated over the whole of dst, in C.
 * SDK 8.2.3's wrapper passes only (dst, src): a count argument would be dropped, so dst is an exact view.
 */
export type Xor = (dst: Uint8Array, src: Uint8Array) => void;

export interface Platform {
  sha1: Sha1;
  /** Mask keys and handshake keys. */
  random32: Random32;
  /** Native unmasking where the platform has it: the body of a large masked message, a whole read at a time. */
  xor?: Xor;
}
