// Text of every UTF-8 shape, written as literals so that each engine parses them in its own string
// model: UTF-16 on Node and xsnap (a pair for a code point above U+FFFF), UTF-8 on boards and in
// Moddable's simulator (one character). `expect` is the text a peer decodes: lone surrogates become
// U+FFFD, as TextEncoder makes them.

export interface TextCase {
  name: string;
  text: string;
  /** What a peer decodes. */
  expect: string;
  /** Its UTF-8, as TextEncoder gives it (checked on Node), for engines that have no TextEncoder. */
  utf8: string;
}

const same = (name: string, text: string, utf8: string): TextCase => ({ name, text, expect: text, utf8 });

export const TEXTS: TextCase[] = [
  same("ASCII", "Hello, world",
    "48656c6c6f2c20776f726c64"),
  same("a 4-byte character between ASCII (the simulator's 13-byte frame)", "hello𤭢world",
    "68656c6c6ff0a4ada2776f726c64"),
  same("one 4-byte character alone", "𤭢",
    "f0a4ada2"),
  same("Markus Kuhn's Greek word", "κόσμε",
    "cebacf8ccf83cebcceb5"),
  same("first code point of each length", "\u0000\u0080\u0800\u{10000}",
    "00c280e0a080f0908080"),
  same("last code point of each length", "\u007f\u07ff\uffff\u{10ffff}",
    "7fdfbfefbfbff48fbfbf"),
  same("around the surrogates and the replacement character", "\ud7ff\ue000\ufffd\ufffe",
    "ed9fbfee8080efbfbdefbfbe"),
  same("CJK ideographs, extension B", "𠀀𠜎𪛖𫠠",
    "f0a08080f0a09c8ef0aa9b96f0aba0a0"),
  same("emoji with a modifier, a joiner sequence and a flag", "😀👍🏽👨‍👩‍👧🇺🇳",
    "f09f9880f09f918df09f8fbdf09f91a8e2808df09f91a9e2808df09f91a7f09f87baf09f87b3"),
  same("a pair written as escapes", "\ud83d\ude00",
    "f09f9880"),
  same("JSON with an emoji and CJK", "{\"t\":\"🌡️ 21.5°C\",\"n\":\"温度\"}",
    "7b2274223a22f09f8ca1efb88f2032312e35c2b043222c226e223a22e6b8a9e5baa6227d"),
  same("1- to 4-byte characters, many fragments", "aä€😀".repeat(120),
    "61c3a4e282acf09f9880".repeat(120)),
  { name: "a lone high surrogate", text: "a\ud800b", expect: "a\ufffdb", utf8: "61efbfbd62" },
  { name: "a lone low surrogate", text: "\udc00", expect: "\ufffd", utf8: "efbfbd" },
  { name: "a high surrogate at the end", text: "x\ud83d", expect: "x\ufffd", utf8: "78efbfbd" },
  { name: "two high surrogates, then a pair", text: "\ud83d\ud83d\ude00", expect: "\ufffd😀", utf8: "efbfbdf09f9880" },
];
