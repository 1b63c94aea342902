// The runtime recipes in the docs are the files this suite runs: every code block marked
// `<!-- tested: tests/edge/recipes/<file> -->` must appear verbatim in that file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../../", import.meta.url);
const RECIPES = ["worker.ts", "deno.ts", "bun.ts"];
const MARKED_BLOCK = /<!-- tested: (tests\/edge\/recipes\/[\w.-]+) -->\s*\n```ts\n([\s\S]*?)\n```/g;

function read(path: string): string {
  return readFileSync(new URL(path, ROOT), "utf8").replace(/\r\n/g, "\n");
}

/** The recipe as a reader copies it: from the first import to the end. */
function recipeBody(file: string): string {
  const source = read(`tests/edge/recipes/${file}`);
  return source.slice(source.indexOf("import ")).trimEnd();
}

function markedBlocks(doc: string): { file: string; code: string }[] {
  return [...read(doc).matchAll(MARKED_BLOCK)].map((match) => ({
    file: match[1]!.slice("tests/edge/recipes/".length),
    code: match[2]!,
  }));
}

describe.each(["docs/sending.md", "docs/webhooks.md"])("%s", (doc) => {
  const blocks = markedBlocks(doc);

  it("has a tested recipe for each runtime (Worker, Deno, Bun)", () => {
    expect([...new Set(blocks.map((block) => block.file))].sort()).toEqual([...RECIPES].sort());
  });

  it("quotes each recipe verbatim from the file the runtime tests run", () => {
    for (const block of blocks) {
      const body = recipeBody(block.file);
      expect(body.includes(block.code), `${doc}: block marked ${block.file} differs from it`).toBe(
        true,
      );
    }
  });
});

describe("docs/webhooks.md", () => {
  it("shows each recipe whole (from the first import to the end)", () => {
    const blocks = markedBlocks("docs/webhooks.md");
    for (const file of RECIPES) {
      expect(
        blocks.some((block) => block.file === file && block.code === recipeBody(file)),
        `docs/webhooks.md has ${file} complete`,
      ).toBe(true);
    }
  });
});
