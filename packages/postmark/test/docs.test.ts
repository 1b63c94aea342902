import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { featureTable } from "@anymail/core";
import { markdownTableRows } from "@anymail/core/testing";
import { postmarkFeatures } from "../src/features.js";

const docs = readFileSync(new URL("../../../docs/postmark.md", import.meta.url), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("docs", () => {
  it("docs/postmark.md shows exactly the feature table of features.ts, in order", () => {
    expect(markdownTableRows(docs, "postmark-features")).toEqual(
      featureTable(postmarkFeatures()).map((row) => [row.feature, row.description]),
    );
  });

  it("docs/postmark.md names every environment variable the package reads", () => {
    for (const name of [
      "ANYMAIL_POSTMARK_SERVER_TOKEN",
      "POSTMARK_SERVER_TOKEN",
      "ANYMAIL_POSTMARK_API_URL",
      "POSTMARK_API_URL",
    ]) {
      expect(docs).toContain(`| \`${name}\` |`);
    }
  });

  it("every export of src/index.ts has TSDoc with an @example", async () => {
    const index = readFileSync(new URL("../src/index.ts", import.meta.url), "utf8");
    const names = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
      m[1]!
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    );
    expect(names.length).toBeGreaterThan(10);
    const sources = sourceFiles(new URL("../src", import.meta.url).pathname)
      .map((path) => readFileSync(path, "utf8"))
      .join("\n");
    const missing = names.filter((name) => {
      const declaration = new RegExp(
        `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:async )?(?:function|const|interface|type|class) ${name}\\b`,
      ).exec(sources);
      return !declaration?.[1]?.includes("@example");
    });
    expect(missing).toEqual([]);
  });
});
