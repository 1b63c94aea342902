import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { mailgunFeatureTable } from "../src/index.js";

const docs = readFileSync(new URL("../../../docs/mailgun.md", import.meta.url), "utf8");

function documentedFeatures(): { feature: string; kind: string; description: string }[] {
  const start = docs.indexOf("<!-- mailgun-features:start");
  const end = docs.indexOf("<!-- mailgun-features:end -->");
  if (start < 0 || end < start)
    throw new Error("docs/mailgun.md lost its mailgun-features markers");
  return docs
    .slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2)
    .map((line) => {
      const cells = line.split(" | ").map((cell) => cell.replace(/^\|\s*|\s*\|$/g, "").trim());
      return { feature: cells[0] ?? "", kind: "quirk", description: cells[1] ?? "" };
    });
}

describe("docs/mailgun.md", () => {
  it("shows exactly the feature table the provider declares, in order", () => {
    expect(documentedFeatures()).toEqual(mailgunFeatureTable());
  });

  it("names every environment variable the package reads", () => {
    for (const name of ["API_KEY", "SENDER_DOMAIN", "API_URL", "WEBHOOK_SIGNING_KEY"]) {
      expect(docs).toContain(`| \`ANYMAIL_MAILGUN_${name}\` |`);
      expect(docs).toContain(`| \`MAILGUN_${name}\` |`);
    }
  });
});

describe("TSDoc", () => {
  it("has an @example on every public export", () => {
    const entry = new URL("../src/index.ts", import.meta.url).pathname;
    const program = ts.createProgram([entry], {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(entry)!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    const missing: string[] = [];
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const hasExample = (symbol.declarations ?? []).some((declaration) =>
        ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "example"),
      );
      if (!hasExample) missing.push(exported.name);
    }
    expect(missing).toEqual([]);
  });
});
