import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

// Code that Node runs right and XS does not, found in the firmware's source before it reaches a
// board. Measured with SDK 8.2.3's xst and the XS 13 that xsnap ships: in a method named #m,
// `super.x` is looked up from the instance's own class, so super.send() calls this class's send().
const FIRMWARE = "firmware";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** "file:line #method" for each `super` inside a private method (nested arrows included: they share its super). */
function superInPrivateMethods(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node, method: string | null): void => {
    let inside = method;
    if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
      inside = ts.isPrivateIdentifier(node.name) ? node.name.text : null;
    } else if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassLike(node)) inside = null;
    if (inside !== null && node.kind === ts.SyntaxKind.SuperKeyword) {
      found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${inside}`);
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(source, null);
  return found;
}

describe("XS pitfalls in the firmware's source", function () {
  it("finds a super call inside a private method, the shape XS runs wrong", function () {
    const sample = "class A { f() {} }\nclass B extends A {\n  #g() { return () => super.f(); }\n  h() { return super.f(); }\n}\n";
    assert.deepEqual(superInPrivateMethods("sample.ts", sample), ["sample.ts:3 #g"]);
  });

  it("has no super inside a #private method anywhere in firmware/", function () {
    const found = sources(FIRMWARE).flatMap((f) => superInPrivateMethods(f, readFileSync(f, "utf8")));
    assert.deepEqual(found, [], "XS resolves super.x in a #method to the class's own x: call it from a public method");
  });
});
