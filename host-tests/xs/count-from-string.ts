// Counts the device engine's ArrayBuffer.fromString calls. Imported before any firmware module, so
// that utf8.js takes this wrapper as its native conversion.
const native = (ArrayBuffer as unknown as { fromString?: (text: string) => ArrayBuffer }).fromString;
let calls = 0;
if (native !== undefined) {
  (ArrayBuffer as unknown as { fromString: (this: unknown, text: string) => ArrayBuffer }).fromString = function (text) {
    calls++;
    return native.call(this, text);
  };
}

export const fromStringCalls = (): number => calls;
