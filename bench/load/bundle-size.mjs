// Min+gzip size of the bundled entries (esbuild, ESM, platform node). "Our deps excluded":
// every dependency and peer of the bundled packages that isn't @anymail/* stays external, as
// the issue asks; the SDK is shown both with and without its own dependencies.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { fmt, markdownTable, verdict } from "../lib/format.mjs";

const benchDir = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(new URL("../package.json", import.meta.url));

/** Dependencies of the packages and, transitively, of the @anymail packages they use. */
function externalsOf(...packageNames) {
  const seen = new Set();
  const externals = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dependency of dependenciesOf(name, true)) {
      if (dependency.startsWith("@anymail/")) visit(dependency);
      else externals.add(dependency);
    }
  };
  for (const name of packageNames) visit(name);
  return [...externals];
}

function dependenciesOf(packageName, includeOurs = false) {
  // Not require.resolve("x/package.json"): packages like `resend` don't export it.
  const manifestPath = require.resolve
    .paths(packageName)
    .map((dir) => join(dir, packageName, "package.json"))
    .find((candidate) => existsSync(candidate));
  if (!manifestPath) throw new Error(`cannot find ${packageName}`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  return [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ].filter((name) => includeOurs || !name.startsWith("@anymail/"));
}

const entries = [
  {
    label: "@anymail/core + @anymail/resend",
    source: 'export * from "@anymail/core";\nexport * from "@anymail/resend";',
    external: () => externalsOf("@anymail/core", "@anymail/resend"),
    ours: true,
  },
  {
    label: "@anymail/core",
    source: 'export * from "@anymail/core";',
    external: () => externalsOf("@anymail/core"),
  },
  {
    label: "@anymail/webhooks + /fastify + /express",
    source:
      'export * from "@anymail/webhooks";\nexport * from "@anymail/webhooks/fastify";\nexport * from "@anymail/webhooks/express";',
    external: () => externalsOf("@anymail/webhooks"),
  },
  {
    label: "resend SDK 6.x, its deps excluded",
    source: 'export * from "resend";',
    external: () => dependenciesOf("resend"),
    sdk: true,
  },
  {
    label: "resend SDK 6.x, its deps bundled",
    source: 'export * from "resend";',
    external: () => ["@react-email/render"],
  },
];

async function measure(entry, external) {
  const result = await build({
    stdin: { contents: entry.source, resolveDir: benchDir, sourcefile: "entry.mjs", loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

export async function benchBundleSize({ log }) {
  const rows = [];
  for (const entry of entries) {
    let external = [];
    try {
      external = [...new Set(entry.external())];
      rows.push({ ...entry, external, ...(await measure(entry, external)) });
    } catch (error) {
      const detail = error?.errors?.[0]?.text ?? String(error?.message ?? error).split("\n")[0];
      rows.push({ ...entry, external, error: detail });
    }
  }
  log(`  bundle size: ${rows.map((r) => `${r.label} ${fmt.kb(r.gzipBytes)}`).join(", ")}`);
  return { rows };
}

export function renderBundleSize({ rows }) {
  const sdk = rows.find((r) => r.sdk && !r.error);
  const table = rows.map((row) => [
    row.label,
    fmt.kb(row.minBytes),
    fmt.kb(row.gzipBytes),
    sdk ? fmt.ratio(row.gzipBytes / sdk.gzipBytes) : "n/a",
    row.error ? `error: ${row.error}` : row.external.join(", ") || "(none)",
  ]);
  const ours = rows.find((r) => r.ours && !r.error);
  const targets = ours
    ? [
        [
          "core + resend ≤ 25 KB min+gzip (deps excluded)",
          fmt.kb(ours.gzipBytes),
          verdict(ours.gzipBytes <= 25 * 1024),
        ],
      ]
    : [];
  return {
    text: [
      "esbuild `--bundle --minify --format=esm --platform=node`, gzip level 9.",
      "",
      markdownTable(["entry", "min", "min+gzip", "× SDK (deps excl.)", "external"], table),
    ].join("\n"),
    targets,
  };
}
