import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { featureTable } from "@anymail/core";
import { exportsWithoutExample, markdownTableRows } from "@anymail/core/testing";
import { describe, expect, it } from "vitest";
import { resendFeatures } from "../src/quirks.js";

const docs = readFileSync(new URL("../../../docs/resend.md", import.meta.url), "utf8");

function sources(dir: string): string {
  return readdirSync(dir)
    .map((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sources(path);
      return path.endsWith(".ts") ? readFileSync(path, "utf8") : "";
    })
    .join("\n");
}

describe("docs/resend.md", () => {
  it("shows exactly the feature table declared in quirks.ts, in order", () => {
    expect(markdownTableRows(docs, "resend-features")).toEqual(
      featureTable(resendFeatures()).map((row) => [row.feature, row.description]),
    );
  });

  it("every export of each entry has TSDoc with an @example", () => {
    const all = sources(new URL("../src", import.meta.url).pathname);
    for (const entry of ["index.ts", "internal-unstable.ts"]) {
      const text = readFileSync(new URL(`../src/${entry}`, import.meta.url), "utf8");
      expect({ entry, missing: exportsWithoutExample(text, all) }).toEqual({ entry, missing: [] });
    }
  });

  it("names every environment variable the provider reads", () => {
    for (const name of [
      "ANYMAIL_RESEND_API_KEY",
      "RESEND_API_KEY",
      "ANYMAIL_RESEND_API_URL",
      "RESEND_API_URL",
      "RESEND_BASE_URL",
      "ANYMAIL_RESEND_SIGNING_SECRET",
      "RESEND_SIGNING_SECRET",
      "ANYMAIL_RESEND_INBOUND_SECRET",
      "RESEND_INBOUND_SECRET",
    ]) {
      expect(docs).toContain(`| \`${name}\` |`);
    }
  });
});
