#!/usr/bin/env node
// `pnpm new:provider <name>`: scaffolds packages/<name> from templates/provider (sources,
// tests, configs; never node_modules, dist or caches), names the package, its factory and
// its credential (ANYMAIL_<NAME>_API_KEY / <NAME>_API_KEY), then installs, builds what it
// depends on and runs its tests, so a fresh clone ends with a passing new package.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--"));
const skipChecks = args.includes("--no-checks");

// One lower-case word: it is the package name, the factory (`sparkpost()`), the webhook URL
// segment (`/anymail/sparkpost/...`) and, upper-cased, the env prefix.
if (name === undefined || !/^[a-z][a-z0-9]*$/.test(name)) {
  console.error("usage: pnpm new:provider <name>   (one lower-case word, e.g. sparkpost)");
  process.exit(2);
}
const target = join(root, "packages", name);
if (existsSync(target)) {
  console.error(`packages/${name} already exists`);
  process.exit(1);
}

const camel = name;
const pascal = name[0].toUpperCase() + name.slice(1);
const upper = name.toUpperCase();
const SKIP = new Set(["node_modules", "dist", ".turbo", "coverage"]);
const replace = (text) =>
  text.replaceAll("__name__", camel).replaceAll("__Name__", pascal).replaceAll("__NAME__", upper);

const template = join(root, "templates", "provider");
cpSync(template, target, {
  recursive: true,
  filter: (source) => !SKIP.has(source.split(/[\\/]/).pop() ?? ""),
});

function walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else {
      writeFileSync(path, replace(readFileSync(path, "utf8")));
    }
    if (entry.includes("__name__")) renameSync(path, join(dir, replace(entry)));
  }
}
walk(target);

// The template is private only so CI can test it in place.
const pkgPath = join(target, "package.json");
const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
pkg.name = `@anymail/${name}`;
pkg.version = "0.0.0";
delete pkg.private;
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

console.log(
  `Created ${relative(root, target)}: @anymail/${name}, ${camel}() and ${camel}Webhooks(),`,
);
console.log(`credential: apiKey option, else ANYMAIL_${upper}_API_KEY, then ${upper}_API_KEY.`);

if (!skipChecks) {
  const pnpm = ["-y", "pnpm@10.34.9"];
  const run = (...command) =>
    execFileSync("npx", [...pnpm, ...command], { cwd: root, stdio: "inherit" });
  run("install");
  run("exec", "turbo", "run", "build", `--filter=@anymail/${name}...`);
  run("--filter", `@anymail/${name}`, "test");
  console.log(
    `\npackages/${name} passes its tests. Next: docs/providers.md, then add a changeset.`,
  );
}
