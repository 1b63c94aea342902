import { builtinModules } from "node:module";
import { build, type BuildOptions } from "esbuild";
import { describe, expect, it } from "vitest";
import { publishedPackages } from "./workspace.js";

/**
 * What must run on workerd, Deno and browsers: bundled as a Worker bundler does, each of
 * these entries may reach no Node builtin. The rest is Node-only by design.
 */
const EDGE_ENTRIES = [
  "@anymail/core",
  "@anymail/core/internal-unstable",
  "@anymail/http",
  "@anymail/resend",
  "@anymail/resend/internal-unstable",
  "@anymail/postmark",
  "@anymail/mailgun",
  "@anymail/webhooks",
];
const NODE_ONLY = [
  "@anymail/core/testing", // a capture server on node:http
  "@anymail/core/conformance", // vitest suites
  "@anymail/emulator", // an HTTP server
  "@anymail/emulator/testing",
  "@anymail/queue", // BullMQ and Redis
  "@anymail/webhooks/express",
  "@anymail/webhooks/fastify",
  "@anymail/webhooks/next",
  "@anymail/webhooks/redis", // ioredis
];

/** How Wrangler, Deno-style and browser bundlers resolve the packages. */
const TARGETS: Record<string, BuildOptions> = {
  "workerd (platform neutral, conditions workerd/worker/browser)": {
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
  },
  "deno (platform neutral, condition deno)": {
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["deno"],
  },
  "browser (platform browser)": { platform: "browser" },
};

const builtins = new Set(builtinModules.filter((name) => !name.startsWith("_")));

/** Every module specifier the output still loads: static, dynamic and require(). */
function specifiersIn(code: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function nodeBuiltinsIn(code: string): string[] {
  return specifiersIn(code).filter(
    (id) => id.startsWith("node:") || builtins.has(id) || builtins.has(id.split("/")[0]!),
  );
}

describe("the guard itself", () => {
  it("finds node: and bare builtin imports in every form", () => {
    const sample = [
      'import { createRequire } from "module";',
      'import "node:fs";',
      'const x = await import("node:crypto");',
      'const p = require("path");',
      'const q = require("fs/promises");',
      'import thing from "email-addresses";',
    ].join("\n");
    expect(nodeBuiltinsIn(sample)).toEqual([
      "module",
      "node:fs",
      "node:crypto",
      "path",
      "fs/promises",
    ]);
  });

  it("classifies every published entry as edge or Node-only", () => {
    const entries = publishedPackages().flatMap((pkg) => [
      pkg.json.name,
      ...pkg.subpaths.map((subpath) => `${pkg.json.name}/${subpath}`),
    ]);
    expect(entries.filter((e) => !EDGE_ENTRIES.includes(e) && !NODE_ONLY.includes(e))).toEqual([]);
  });
});

describe.each(Object.entries(TARGETS))("bundled for %s", (_target, options) => {
  it.each(EDGE_ENTRIES)("%s reaches no Node builtin", async (entry) => {
    const result = await build({
      stdin: {
        contents: `export * from ${JSON.stringify(entry)};`,
        resolveDir: import.meta.dirname,
      },
      bundle: true,
      format: "esm",
      write: false,
      logLevel: "silent",
      ...options,
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles?.[0]?.text ?? "";
    expect(code).not.toBe("");
    expect(nodeBuiltinsIn(code)).toEqual([]);
    // No undici either: it is Node's HTTP client, the edge build sends with fetch.
    expect(code).not.toMatch(/node_modules\/undici\//);
  });
});
