import ts from "typescript";
import { describe, expect, it } from "vitest";

function exportsWithoutExample(entry: string): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const hasExample = (symbol.declarations ?? []).some((declaration) =>
      ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "example"),
    );
    if (!hasExample) missing.push(exported.name);
  }
  return missing;
}

describe("TSDoc", () => {
  it("@anymail/queue has an @example on every public export", () => {
    expect(exportsWithoutExample(new URL("../src/index.ts", import.meta.url).pathname)).toEqual([]);
  });

  it("@anymail/webhooks/redis has an @example on every public export", () => {
    const entry = new URL("../../webhooks/src/redis.ts", import.meta.url).pathname;
    expect(exportsWithoutExample(entry)).toEqual([]);
  });
});
