/**
 * The rows of the Markdown table between `<!-- <marker>:start … -->` and
 * `<!-- <marker>:end -->`, header and separator skipped, cells trimmed. A provider's docs
 * test compares them with its feature table, so the docs can't drift from the code.
 *
 * @example
 * ```ts
 * import { featureTable } from "@anymail/core";
 * import { markdownTableRows } from "@anymail/core/testing";
 *
 * const rows = markdownTableRows(readFileSync("docs/example.md", "utf8"), "example-features");
 * expect(rows).toEqual(featureTable(example().features).map((r) => [r.feature, r.description]));
 * ```
 */
export function markdownTableRows(markdown: string, marker: string): string[][] {
  const start = markdown.indexOf(`<!-- ${marker}:start`);
  const end = markdown.indexOf(`<!-- ${marker}:end -->`);
  if (start < 0 || end < start) {
    throw new Error(
      `the Markdown lost its <!-- ${marker}:start --> / <!-- ${marker}:end --> markers`,
    );
  }
  return markdown
    .slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2)
    .map((line) =>
      line
        .replace(/^\|/, "")
        .replace(/\|\s*$/, "")
        // a cell may contain `\|`; split only on unescaped bars
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, "|")),
    );
}

/**
 * The names exported by an entry file (`export { a, type B } from …`) whose declaration
 * in `sources` has no TSDoc `@example`: every public export should show how it is used.
 *
 * @example
 * ```ts
 * import { exportsWithoutExample } from "@anymail/core/testing";
 *
 * const index = readFileSync("src/index.ts", "utf8");
 * const sources = sourceFiles("src").map((f) => readFileSync(f, "utf8")).join("\n");
 * expect(exportsWithoutExample(index, sources)).toEqual([]);
 * ```
 */
export function exportsWithoutExample(entrySource: string, sources: string): string[] {
  const names = [...entrySource.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((match) =>
    (match[1] ?? "")
      .split(",")
      .map((name) => name.trim().replace(/^type\s+/, ""))
      .map((name) => name.split(/\s+as\s+/).pop() ?? name)
      .filter(Boolean),
  );
  return names.filter((name) => {
    const declaration = new RegExp(
      `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*(?://[^\\n]*\\n\\s*)*export (?:declare )?(?:async )?(?:function|const|interface|type|class) ${name}\\b`,
    ).exec(sources);
    return !declaration?.[1]?.includes("@example");
  });
}
