import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PublishedPackage, pnpmCommand, publishedPackages, run } from "./workspace.js";

/**
 * The packed tarballs, installed with npm into fresh projects in a temp folder outside the
 * workspace (no pnpm links, no hoisted workspace node_modules to lean on). Each package is
 * packed once; each project gets one `npm install` for all its cases.
 */
const packages = publishedPackages();
const FIXTURES = join(import.meta.dirname, "../fixtures");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
let work: string;
const tarballs = new Map<string, string>();

/** Every importable entry: each package's root and each subpath. */
function entries(list: PublishedPackage[] = packages): string[] {
  return list.flatMap((pkg) => [
    pkg.json.name,
    ...pkg.subpaths.map((subpath) => `${pkg.json.name}/${subpath}`),
  ]);
}

async function pack(pkg: PublishedPackage, destination: string): Promise<string> {
  const [command, prefix] = pnpmCommand();
  await run(command, [...prefix, "pack", "--pack-destination", destination], { cwd: pkg.dir });
  const name = pkg.json.name.replace(/^@/, "").replace("/", "-");
  const file = readdirSync(destination).find((f) => f.startsWith(`${name}-`) && f.endsWith(".tgz"));
  if (file === undefined) throw new Error(`pnpm pack made no tarball for ${pkg.json.name}`);
  return join(destination, file);
}

/** A project folder with the fixture files, every tarball and `extra` registry packages. */
async function project(name: string, manifest: object, extra: string[] = []): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `fresh-${name}`, private: true, ...manifest }),
  );
  const specs = [...tarballs.values()].map((file) => `file:${file}`);
  await run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      ...specs,
      ...extra,
    ],
    { cwd: dir, env: { ...process.env, npm_config_workspaces: "false" } },
  );
  return dir;
}

/**
 * Runs a fixture and returns what it printed. A crash becomes `{ crashed }` so each case
 * fails with the fixture's own error instead of the whole file being skipped.
 */
async function runNode<T extends FixtureOutput>(
  cwd: string,
  file: string,
  args: string[] = [],
): Promise<T> {
  try {
    const { stdout } = await run(process.execPath, [file, ...args], { cwd, env: cleanEnv() });
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as T;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    return { crashed: (stderr || message).split("\n").slice(0, 6).join("\n") } as T;
  }
}

/** The fixtures set what they need; nothing from this shell leaks in. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return env;
}

/** What a fixture prints (fixtures/esm/main.mjs, fixtures/cjs/main.cjs). */
interface FixtureOutput {
  crashed?: string;
  vitest?: "absent" | "installed";
  testProvider?: { outbox: number; status: string[] };
}
interface EsmOutput extends FixtureOutput {
  missingKey: { code: string; message: string };
  envSend: { messageId: string; request: unknown };
  webhook: { forged: number; status: number; events: unknown[] };
}
interface CjsOutput extends FixtureOutput {
  loaded: Record<string, number>;
  failed: Record<string, string>;
}

let esm: string;
let cjs: string;
let ts: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "anymail-packaging-"));
  const packs = join(work, "packs");
  mkdirSync(packs);
  for (const pkg of packages) tarballs.set(pkg.json.name, await pack(pkg, packs));
  [esm, cjs, ts] = await Promise.all([
    project("esm", { type: "module" }, ["svix@^1.99.1"]),
    project("cjs", {}),
    project("ts", {}),
  ]);
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("an ESM project with the packed tarballs", () => {
  let out: EsmOutput;
  beforeAll(async () => {
    out = await runNode<EsmOutput>(esm, "main.mjs");
  });

  it("uses the test provider without vitest installed", () => {
    expect(out.crashed).toBeUndefined();
    expect(out.vitest).toBe("absent");
    expect(out.testProvider).toEqual({ outbox: 1, status: ["sent"] });
  });

  it("names every place a missing key can come from", () => {
    expect(out.missingKey.code).toBe("configuration_error");
    expect(out.missingKey.message).toContain("ANYMAIL_RESEND_API_KEY");
    expect(out.missingKey.message).toContain("RESEND_API_KEY");
  });

  it("takes the key from ANYMAIL_RESEND_API_KEY and the URL from RESEND_API_URL", () => {
    expect(out.envSend.messageId).toBe("4ef9a417-02e9-4d39-ad75-9611e0fcc33c");
    expect(out.envSend.request).toEqual({
      url: "/emails",
      authorization: "Bearer re_from_env_123",
      subject: "Env",
    });
  });

  it("handles a svix-signed webhook through handle() and refuses a forged one", () => {
    expect(out.webhook.forged).toBe(401);
    expect(out.webhook.status).toBe(200);
    expect(out.webhook.events).toEqual([
      { eventType: "delivered", recipient: "ana@example.org", messageId: "e1" },
    ]);
  });
});

describe("a CommonJS project with the packed tarballs", () => {
  let out: CjsOutput;
  beforeAll(async () => {
    out = await runNode<CjsOutput>(cjs, "main.cjs", [JSON.stringify(entries())]);
  });

  it("uses the test provider through require() without vitest installed", () => {
    expect(out.crashed).toBeUndefined();
    expect(out.vitest).toBe("absent");
    expect(out.testProvider).toEqual({ outbox: 1, status: ["sent"] });
  });

  it("requires every entry; only an optional peer the app didn't install may be missing", () => {
    for (const pkg of packages) {
      const optionalPeers = Object.keys(pkg.json.peerDependencies ?? {});
      for (const entry of entries([pkg])) {
        if (out.loaded !== undefined && entry in out.loaded) {
          expect(out.loaded[entry], entry).toBeGreaterThan(0);
          continue;
        }
        const failure = out.failed?.[entry] ?? "not tried";
        const peer = optionalPeers.find((name) => failure.includes(`Cannot find module '${name}'`));
        expect(peer, `${entry}: ${failure}`).toBeDefined();
      }
    }
  });
});

describe("a TypeScript project with the packed tarballs", () => {
  beforeAll(() => {
    const all = entries();
    const imports = all.map((entry, i) => `import * as entry${i} from "${entry}";`).join("\n");
    const use = `export const entries = [${all.map((_, i) => `entry${i}`).join(", ")}];`;
    const typed = [
      'import { createMailer, type SendResult } from "@anymail/core";',
      'import { createTestProvider } from "@anymail/core/testing";',
      "const provider = createTestProvider();",
      "export function send(): Promise<SendResult> {",
      '  return createMailer({ provider }).send({ from: "a@example.com", to: "b@example.org", tags: null });',
      "}",
      "// Real types, not `any`: assigning the outbox to a number must fail.",
      "// @ts-expect-error",
      "export const wrong: number = provider.outbox;",
    ].join("\n");
    writeFileSync(join(ts, "index.ts"), `${imports}\n${typed}\n${use}\n`);
    writeFileSync(join(ts, "index.mts"), `${imports}\n${use}\n`);
    const base = {
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      target: "es2022",
      lib: ["es2023", "dom"],
      types: [],
    };
    writeFileSync(
      join(ts, "tsconfig.node10.json"),
      JSON.stringify({
        compilerOptions: { ...base, module: "commonjs", moduleResolution: "node10" },
        files: ["index.ts"],
      }),
    );
    writeFileSync(
      join(ts, "tsconfig.node16.json"),
      JSON.stringify({
        compilerOptions: { ...base, module: "node16", moduleResolution: "node16" },
        files: ["index.ts", "index.mts"],
      }),
    );
  });

  async function compile(config: string): Promise<string> {
    try {
      await run(process.execPath, [tsc, "-p", config], { cwd: ts });
      return "";
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  }

  it('resolves every entry\'s types with "module": "commonjs" (node10 resolution)', async () => {
    expect(await compile("tsconfig.node10.json")).toBe("");
  });

  it("resolves every entry's types with node16 (CommonJS and ESM files)", async () => {
    expect(await compile("tsconfig.node16.json")).toBe("");
  });
});
