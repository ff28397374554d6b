// Globals the XS test host (xs-host.c) defines for modules it runs.
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
