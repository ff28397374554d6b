// Text of every UTF-8 shape, written as literals so that each engine parses them in its own string
// model: UTF-16 on Node and xsnap (a pair for a code point above U+FFFF), UTF-8 on boards and in
// Moddable's simulator (one character). `expect` is the text a peer decodes: lone surrogates become
// U+FFFD, as TextEncoder makes them.

export interface TextCase { name: string; text: string; expect: string }

const same = (name: string, text: string): TextCase => ({ name, text, expect: text });

export const TEXTS: TextCase[] = [
  same("ASCII", "Hello, world"),
  same("a 4-byte character between ASCII (the simulator's 13-byte frame)", "hello𤭢world"),
  same("one 4-byte character alone", "𤭢"),
  same("Markus Kuhn's Greek word", "κόσμε"),
  same("first code point of each length", "\u0000\u0080\u0800\u{10000}"),
  same("last code point of each length", "\u007f\u07ff\uffff\u{10ffff}"),
  same("around the surrogates and the replacement character", "\ud7ff\ue000\ufffd\ufffe"),
  same("CJK ideographs, extension B", "𠀀𠜎𪛖𫠠"),
  same("emoji with a modifier, a joiner sequence and a flag", "😀👍🏽👨‍👩‍👧🇺🇳"),
  same("a pair written as escapes", "\ud83d\ude00"),
  same("JSON with an emoji and CJK", "{\"t\":\"🌡️ 21.5°C\",\"n\":\"温度\"}"),
  same("1- to 4-byte characters, many fragments", "aä€😀".repeat(120)),
  { name: "a lone high surrogate", text: "a\ud800b", expect: "a\ufffdb" },
  { name: "a lone low surrogate", text: "\udc00", expect: "\ufffd" },
  { name: "a high surrogate at the end", text: "x\ud83d", expect: "x\ufffd" },
  { name: "two high surrogates, then a pair", text: "\ud83d\ud83d\ude00", expect: "\ufffd😀" },
];
