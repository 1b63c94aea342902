import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { exportsWithoutExample } from "@anymail/core/testing";
import { describe, expect, it } from "vitest";

function sources(dir: string): string {
  return readdirSync(dir)
    .map((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sources(path);
      return path.endsWith(".ts") ? readFileSync(path, "utf8") : "";
    })
    .join("\n");
}

describe("@anymail/http docs", () => {
  it("every export of src/index.ts has TSDoc with an @example", () => {
    const index = readFileSync(new URL("../src/index.ts", import.meta.url), "utf8");
    const all = sources(new URL("../src", import.meta.url).pathname);
    // isRetryableStatus is core's, re-exported: its @example lives in @anymail/core.
    const missing = exportsWithoutExample(index, all).filter(
      (name) => name !== "isRetryableStatus",
    );
    expect(missing).toEqual([]);
  });

  it("the README links absolutely (it ships to npm)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).not.toMatch(/\]\((?!https:\/\/)[^)#]/);
  });
});
