import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { featureTable } from "@anymail/core";
import { markdownTableRows } from "@anymail/core/testing";
import { mailgunFeatures } from "../src/index.js";

const docs = readFileSync(new URL("../../../docs/mailgun.md", import.meta.url), "utf8");

describe("docs/mailgun.md", () => {
  it("shows exactly the feature table the provider declares, in order", () => {
    expect(markdownTableRows(docs, "mailgun-features")).toEqual(
      featureTable(mailgunFeatures()).map((row) => [row.feature, row.description]),
    );
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
