// Globals the XS test hosts (xs-host.c, both engines) define for modules they run.
declare function print(text: string): void;
declare function collectGarbage(): void;
/** Collection off: nothing allocated is reclaimed, so counts only grow. */
declare function gcEnable(on: boolean): void;
/** Slots allocated and not yet collected. */
declare function heapSlots(): number;
/** Chunk bytes in use. */
declare function heapChunks(): number;
/** Compute steps so far (xsnap's meter). */
declare function meter(): number;
/** Wall-clock milliseconds. */
declare function now(): number;
/** Bytes per slot on this build of XS. */
declare function slotSize(): number;

// Natives a device has (see xs-host.c), one native call each.
interface ArrayBufferConstructor {
  /** Device engine only, as on boards: the UTF-8 bytes of a string in a new ArrayBuffer. */
  fromString?(text: string): ArrayBuffer;
}
interface StringConstructor {
  /** Device engine only: UTF-8 bytes to a string; TypeError "invalid UTF-8" for a truncated sequence. */
  fromArrayBuffer?(buffer: ArrayBuffer, byteOffset?: number, byteLength?: number): string;
}
/** Moddable's "logical" module on both engines: dst ^= src (a byte, a string's bytes or a buffer) repeated over count bytes. */
declare const Logical: {
  xor(dst: ArrayBuffer | ArrayBufferView, src: number | string | ArrayBuffer | ArrayBufferView, count?: number): void;
};
