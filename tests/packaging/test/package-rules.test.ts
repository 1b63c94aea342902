import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { publishedPackages, ROOT } from "./workspace.js";

const packages = publishedPackages();

/** Markdown `[text](target)` / `![alt](target)` and HTML `href=` / `src=` targets. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    targets.push(match[1]!);
  }
  for (const match of markdown.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) targets.push(match[1]!);
  for (const match of markdown.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/g)) {
    targets.push(match[1]!);
  }
  return targets;
}

/** Links that still work on npmjs.com: absolute http(s), mail, or an anchor on the page. */
function isAbsolute(target: string): boolean {
  return /^(https?:|mailto:|#)/.test(target);
}

describe("the rule checkers themselves", () => {
  it("find relative links in every Markdown and HTML form", () => {
    const sample = [
      "[a](../../docs/sending.md) [b](docs/x.md) ![c](./logo.png)",
      '[d]: ../README.md\n<a href="docs/y.md">y</a> <img src="img.png">',
      "[ok](https://github.com/anymail-ts/anymail/blob/main/docs/x.md) [anchor](#install)",
    ].join("\n");
    expect(linkTargets(sample).filter((t) => !isAbsolute(t))).toEqual([
      "../../docs/sending.md",
      "docs/x.md",
      "./logo.png",
      "../README.md",
      "docs/y.md",
      "img.png",
    ]);
  });
});

describe("publishing rules, for every published package", () => {
  it("finds the published packages on disk", () => {
    expect(packages.map((p) => p.json.name)).toContain("@anymail/core");
    expect(packages.map((p) => p.json.name)).toContain("@anymail/webhooks");
  });

  it("has an MIT LICENSE at the root", () => {
    const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License/);
    expect(license).toContain("anymail for TypeScript contributors");
  });

  for (const pkg of packages) {
    describe(pkg.json.name, () => {
      it("ships a README and a LICENSE (in `files` and on disk, the root's text)", () => {
        expect(pkg.json.files).toContain("README.md");
        expect(pkg.json.files).toContain("LICENSE");
        expect(readFileSync(join(pkg.dir, "LICENSE"), "utf8")).toBe(
          readFileSync(join(ROOT, "LICENSE"), "utf8"),
        );
      });

      it("states the Node version undici 7 really needs", () => {
        expect(pkg.json.engines?.node).toBe(">=20.18.1");
      });

      it("links only with absolute URLs in its README (relative links are dead on npm)", () => {
        const readme = readFileSync(join(pkg.dir, "README.md"), "utf8");
        const relative = linkTargets(readme).filter((target) => !isAbsolute(target));
        expect(relative, `${pkg.json.name}/README.md`).toEqual([]);
      });

      it("gives every subpath export a typesVersions entry (node10 resolution)", () => {
        const map = pkg.json.typesVersions?.["*"] ?? {};
        for (const subpath of pkg.subpaths) {
          const target = map[subpath]?.[0];
          expect(target, `typesVersions for ${pkg.json.name}/${subpath}`).toMatch(/\.d\.c?ts$/);
          const exported = pkg.json.exports?.[`./${subpath}`] as
            | { import?: { types?: string }; require?: { types?: string } }
            | undefined;
          // Either declaration file of that subpath will do; node10 reads it as CommonJS.
          expect([exported?.require?.types, exported?.import?.types]).toContain(target);
        }
      });

      it("checks its packed types with attw's default profile (node10 included)", () => {
        const script = pkg.json.scripts?.["check:packages"] ?? "";
        expect(script).toMatch(/attw --pack/);
        expect(script).not.toMatch(/--profile|--ignore-rules/);
      });
    });
  }
});
