// The part of Moddable's "crypt" module this stack uses. @moddable/typings 5.6.0 lacks it; the SDK's
// own typings (used by mcconfig, which does not read this file) declare the same.
declare module "crypt" {
  export class Digest {
    constructor(type: "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512");
    write(message: string | ArrayBuffer): void;
    close(): ArrayBuffer;
    reset(): void;
  }
}
