import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createMailer, featureTable } from "../src/index.js";
import {
  createTestProvider,
  exportsWithoutExample,
  markdownTableRows,
  startCaptureServer,
} from "../src/testing.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dist = join(packageDir, "dist");

describe("@anymail/core/testing loads without any test framework", () => {
  const folder = mkdtempSync(join(tmpdir(), "anymail-testing-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("dist/testing.js and .cjs run from a folder outside the workspace, vitest not resolvable", () => {
    if (!existsSync(join(dist, "testing.js"))) {
      throw new Error(`${dist} is missing: run \`pnpm --filter @anymail/core build\` first`);
    }
    // A copy of the built package with only its runtime dependencies: no vitest anywhere
    // up the tree from the temp folder.
    const installed = join(folder, "node_modules", "@anymail", "core");
    cpSync(dist, join(installed, "dist"), { recursive: true });
    writeFileSync(join(installed, "package.json"), readFileSync(join(packageDir, "package.json")));
    for (const dep of ["email-addresses", "mime-types", "mime-db"]) {
      const from = join(packageDir, "node_modules", dep);
      const source = existsSync(from) ? from : findInStore(dep);
      cpSync(source, join(folder, "node_modules", dep), { recursive: true, dereference: true });
    }
    writeFileSync(
      join(folder, "esm.mjs"),
      `import { createMailer } from "@anymail/core";
import { createTestProvider, startCaptureServer } from "@anymail/core/testing";
let vitest = "absent";
try { await import("vitest"); vitest = "present"; } catch {}
const provider = createTestProvider();
await createMailer({ provider }).send({ from: "a@example.com", to: "b@example.org", subject: "Hi" });
const server = await startCaptureServer();
await server.close();
console.log(JSON.stringify({ vitest, sent: provider.outbox.length }));`,
    );
    writeFileSync(
      join(folder, "cjs.cjs"),
      `const { createTestProvider } = require("@anymail/core/testing");
let vitest = "absent";
try { require.resolve("vitest"); vitest = "present"; } catch {}
console.log(JSON.stringify({ vitest, name: createTestProvider().name }));`,
    );
    // pnpm's bin shims set NODE_PATH to the workspace store: a user's project has none.
    const env = { ...process.env, NODE_PATH: "" };
    const esm = execFileSync(process.execPath, ["esm.mjs"], { cwd: folder, encoding: "utf8", env });
    expect(JSON.parse(esm)).toEqual({ vitest: "absent", sent: 1 });
    const cjs = execFileSync(process.execPath, ["cjs.cjs"], { cwd: folder, encoding: "utf8", env });
    expect(JSON.parse(cjs)).toEqual({ vitest: "absent", name: "Test" });
  });
});

function findInStore(dep: string): string {
  const store = join(packageDir, "..", "..", "node_modules", ".pnpm");
  const entry = readdirSync(store).find((name) => name.startsWith(`${dep}@`));
  if (entry === undefined) throw new Error(`${dep} not found in the pnpm store`);
  return join(store, entry, "node_modules", dep);
}

describe("startCaptureServer", () => {
  it("records requests and answers as scripted, then by default", async () => {
    const server = await startCaptureServer();
    server.replyOnce({ status: 429, headers: { "retry-after": "0" }, body: { name: "slow_down" } });
    const first = await fetch(`${server.url}emails`, {
      method: "POST",
      body: '{"a":1}',
      headers: { "x-k": "v" },
    });
    expect(first.status).toBe(429);
    expect(await first.json()).toEqual({ name: "slow_down" });
    const second = await fetch(`${server.url}emails?x=1`, { method: "POST", body: "{}" });
    expect(await second.json()).toEqual({ id: "captured-2" });
    expect(server.requests.map((r) => [r.method, r.url])).toEqual([
      ["POST", "/emails"],
      ["POST", "/emails?x=1"],
    ]);
    expect(server.requests[0]?.json()).toEqual({ a: 1 });
    expect(server.requests[0]?.headers["x-k"]).toBe("v");
    server.reply((request) => ({ status: 201, body: request.text().toUpperCase() }));
    expect(await (await fetch(server.url, { method: "POST", body: "abc" })).text()).toBe("ABC");
    server.reply({ drop: true });
    await expect(fetch(server.url, { method: "POST", body: "x" })).rejects.toThrow();
    server.reset();
    expect(server.requests).toEqual([]);
    await server.close();
  });
});

describe("docs checks", () => {
  it("markdownTableRows reads the rows between markers", () => {
    const markdown = [
      "intro",
      "<!-- x-features:start (generated) -->",
      "| feature | why |",
      "|---|---|",
      "| trackOpens | a per-domain setting |",
      "| a \\| b | pipes escaped |",
      "<!-- x-features:end -->",
    ].join("\n");
    expect(markdownTableRows(markdown, "x-features")).toEqual([
      ["trackOpens", "a per-domain setting"],
      ["a | b", "pipes escaped"],
    ]);
    expect(() => markdownTableRows("no markers", "x-features")).toThrow(/markers/);
  });

  it("exportsWithoutExample names exports whose TSDoc lacks an @example", () => {
    const entry = 'export { good, bad } from "./a.js";\nexport type { Shape } from "./a.js";';
    const sources = [
      "/**\n * Good.\n * @example\n * good();\n */\nexport function good() {}",
      "/** Bad, no example. */\nexport function bad() {}",
      "/**\n * @example\n * const s: Shape = {};\n */\nexport interface Shape {}",
    ].join("\n");
    expect(exportsWithoutExample(entry, sources)).toEqual(["bad"]);
  });

  it("every export of core's entries has an @example", () => {
    const sources = sourceText(join(packageDir, "src"));
    for (const entry of ["index.ts", "testing.ts", "conformance.ts", "internal-unstable.ts"]) {
      const text = readFileSync(join(packageDir, "src", entry), "utf8");
      expect({ entry, missing: exportsWithoutExample(text, sources) }).toEqual({
        entry,
        missing: [],
      });
    }
  });

  it("featureTable renders any provider's FeatureSupport as rows", () => {
    const provider = createTestProvider({
      features: {
        unsupported: ["trackOpens"],
        reasons: { trackOpens: "set per domain" },
        quirks: [
          {
            feature: "two tags",
            description: "one tag only",
            when: (m) => (m.tags?.length ?? 0) > 1,
          },
        ],
      },
    });
    expect(featureTable(provider.features)).toEqual([
      { feature: "trackOpens", kind: "unsupported", description: "set per domain" },
      { feature: "two tags", kind: "quirk", description: "one tag only" },
    ]);
    expect(createMailer({ provider })).toBeDefined();
  });
});

function sourceText(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceText(path);
      return entry.name.endsWith(".ts") ? readFileSync(path, "utf8") : "";
    })
    .join("\n");
}
