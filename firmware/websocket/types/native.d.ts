// xsc's own syntax (compiling with -c, as mcconfig does), which neither @moddable/typings 5.6.0 nor
// the SDK's typings declare; platform-device.ts references this file (mcconfig's TypeScript setup
// reads no other project declaration).

/**
 * The host function named, from a module's C code in the build (the firmware's native/*.c): a call
 * only in name, `native` is no function at run time.
 */
declare function native(name: string): (...args: never[]) => unknown;
