import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const run = promisify(execFile);

/** The repository root (tests/packaging/test → ../../..). */
export const ROOT = resolve(import.meta.dirname, "../../..");

/** What a published package.json declares that the rules look at. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  files?: string[];
  engines?: { node?: string };
  exports?: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** One published package: every `packages/*` whose package.json is not private. */
export interface PublishedPackage {
  dir: string;
  json: PackageJson;
  /** Subpath exports without `./`, `.` and `./package.json` left out (`testing`, `express`). */
  subpaths: string[];
}

/**
 * Found on disk, never listed by hand: a package another engineer adds tomorrow is held to
 * the same rules and packed into the same projects.
 */
export function publishedPackages(): PublishedPackage[] {
  const base = join(ROOT, "packages");
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, "package.json")))
    .map((entry) => {
      const dir = join(base, entry.name);
      const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
      const subpaths = Object.keys(json.exports ?? {})
        .filter((key) => key !== "." && key !== "./package.json" && !key.includes("*"))
        .map((key) => key.slice(2));
      return { dir, json, subpaths };
    })
    .filter((pkg) => pkg.json.private !== true)
    .sort((a, b) => a.json.name.localeCompare(b.json.name));
}

/** pnpm as the workspace runs it (turbo → pnpm sets npm_execpath), else the pinned version. */
export function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(execPath)) {
    return execPath.endsWith(".js") || execPath.endsWith(".cjs")
      ? [process.execPath, [execPath]]
      : [execPath, []];
  }
  return ["npx", ["-y", "pnpm@10.34.9"]];
}
