import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resendFeatureTable } from "../src/quirks.js";

const docs = readFileSync(new URL("../../../docs/resend.md", import.meta.url), "utf8");

/** The rows of the feature table between the markers in docs/resend.md. */
function documentedFeatures(): { feature: string; description: string }[] {
  const start = docs.indexOf("<!-- resend-features:start");
  const end = docs.indexOf("<!-- resend-features:end -->");
  if (start < 0 || end < start) throw new Error("docs/resend.md lost its resend-features markers");
  return docs
    .slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2) // header and separator
    .map((line) => {
      const cells = line.split("|").map((cell) => cell.trim());
      return { feature: cells[1] ?? "", description: cells[2] ?? "" };
    });
}

describe("docs/resend.md", () => {
  it("shows exactly the feature table declared in quirks.ts, in order", () => {
    expect(documentedFeatures()).toEqual(resendFeatureTable());
  });

  it("names every environment variable the provider reads", () => {
    for (const name of [
      "ANYMAIL_RESEND_API_KEY",
      "RESEND_API_KEY",
      "ANYMAIL_RESEND_API_URL",
      "RESEND_API_URL",
    ]) {
      expect(docs).toContain(`| \`${name}\` |`);
    }
  });
});
