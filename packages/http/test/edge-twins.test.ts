import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The edge build swaps every `*.node.ts` for its `*.edge.ts` twin (tsup.base.ts).
describe("edge twins", () => {
  it("every .node.ts has an .edge.ts exporting the same names", async () => {
    const src = new URL("../src/", import.meta.url);
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((name) =>
      name.endsWith(".node.ts"),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const node = await import(new URL(name, src).href);
      const edge = await import(new URL(name.replace(/\.node\.ts$/, ".edge.ts"), src).href);
      expect(Object.keys(edge).sort(), name).toEqual(Object.keys(node).sort());
    }
  });
});
