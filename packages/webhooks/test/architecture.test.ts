import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every import and re-export of a file (type-only ones included: they make cycles too). */
function importsOf(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, "utf8"), true, true)
    .importedFiles.map((imported) => imported.fileName);
}

/** The module graph of src/: file → the src files it imports (relative specifiers). */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    edges.set(
      relative(SRC, file),
      importsOf(file)
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) =>
          relative(SRC, resolve(dirname(file), specifier.replace(/\.js$/, ".ts"))),
        ),
    );
  }
  return edges;
}

/** The cycles found by a depth-first search, each as the path that closes it. */
function findCycles(edges: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("package architecture", () => {
  const edges = graph();

  it("has no import cycle in src/ (type-only imports included)", () => {
    expect(edges.size).toBeGreaterThan(10);
    expect(findCycles(edges)).toEqual([]);
  });

  it("the cycle check finds a cycle when there is one", () => {
    const withCycle = new Map([
      ["handler.ts", ["internal/engine.ts"]],
      ["internal/engine.ts", ["options.ts", "handler.ts"]],
      ["options.ts", []],
    ]);
    expect(findCycles(withCycle)).toEqual([["handler.ts", "internal/engine.ts", "handler.ts"]]);
  });

  it("keeps the engine and the Web bridge free of Node APIs and of the Node bridge", () => {
    for (const [file] of edges) {
      if (file.startsWith("internal/node/") || !file.startsWith("internal/")) continue;
      const imported = importsOf(join(SRC, file));
      expect(
        imported.filter((specifier) => specifier.startsWith("node:")),
        file,
      ).toEqual([]);
      expect(
        imported.filter((specifier) => specifier.includes("/node/")),
        file,
      ).toEqual([]);
    }
  });

  it("names no ESP in src/ outside doc comments", () => {
    for (const [file] of edges) {
      const code = readFileSync(join(SRC, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect(code, file).not.toMatch(/resend|postmark|mailgun|svix/i);
    }
  });
});
