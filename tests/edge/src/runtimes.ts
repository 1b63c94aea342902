// Where the runtimes installed from npm live, and whether they start. A runtime that can't
// start fails the suite in CI and is a visible skip elsewhere (see `availability`).
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const require = createRequire(import.meta.url);
const run = promisify(execFile);

export type RuntimeName = "workerd" | "deno" | "bun";

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Deno's binary: the postinstall copies it next to the package; else the platform package's. */
export function denoBinary(): string {
  const api = require(join(packageDir("deno"), "install_api.cjs")) as { runInstall(): string };
  return api.runInstall();
}

/** Bun's binary: its postinstall swaps the placeholder bin/bun.exe for the real executable. */
export function bunBinary(): string {
  const path = join(packageDir("bun"), "bin", "bun.exe");
  // The placeholder is a 450-byte shell script that only prints an error.
  if (statSync(path).size < 1024 * 1024) {
    throw new Error(
      `${path} is still the placeholder: bun's postinstall did not run (it must be listed in onlyBuiltDependencies of pnpm-workspace.yaml)`,
    );
  }
  return path;
}

/** workerd's binary, as miniflare finds it. */
export function workerdBinary(): string {
  const miniflareRequire = createRequire(require.resolve("miniflare"));
  const workerd = miniflareRequire("workerd") as { default: string };
  return workerd.default;
}

const BINARIES: Record<RuntimeName, () => string> = {
  workerd: workerdBinary,
  deno: denoBinary,
  bun: bunBinary,
};

/** Environment for child runtimes: no update checks or telemetry (CI has only the npm registry). */
export const QUIET_RUNTIME_ENV = {
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  DO_NOT_TRACK: "1",
  BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0",
  NO_COLOR: "1",
} as const;

export interface Availability {
  ok: boolean;
  /** `<runtime> <version>` when it started, else why not. */
  detail: string;
}

/** Runs `<binary> --version`: proves the binary exists and executes on this machine. */
export async function probe(name: RuntimeName): Promise<Availability> {
  try {
    const binary = BINARIES[name]();
    const { stdout } = await run(binary, ["--version"], {
      timeout: 15_000,
      env: { ...process.env, ...QUIET_RUNTIME_ENV },
    });
    return { ok: true, detail: stdout.trim().split("\n")[0] ?? name };
  } catch (error) {
    return { ok: false, detail: `${name} can't start: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** In CI (CI set) an unavailable runtime is an error, never a skip. */
export function mustRun(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}
