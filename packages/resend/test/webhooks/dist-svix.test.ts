import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// Runs the BUILT package (ESM and CJS) in a fresh Node process, optionally with svix hidden,
// because the loading of an optional peer differs between the two module formats.
const dist = resolve(__dirname, "../../dist");
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let hideSvix: string;

beforeAll(() => {
  if (!existsSync(join(dist, "index.cjs")) || !existsSync(join(dist, "index.js"))) {
    throw new Error("Build @anymail/resend first: pnpm --filter @anymail/resend build");
  }
  const dir = mkdtempSync(join(tmpdir(), "anymail-svix-"));
  hideSvix = join(dir, "hide-svix.cjs");
  writeFileSync(
    hideSvix,
    `const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "svix") throw Object.assign(new Error("Cannot find module 'svix'"), { code: "MODULE_NOT_FOUND" });
  return resolve.call(this, request, ...rest);
};`,
  );
});

function run(format: "esm" | "cjs", withoutSvix: boolean): string {
  const load =
    format === "cjs"
      ? `const { resendWebhooks } = require(${JSON.stringify(join(dist, "index.cjs"))});`
      : `const { resendWebhooks } = await import(${JSON.stringify(join(dist, "index.js"))});`;
  const script = `${load}
const unsigned = resendWebhooks({}).isSigned("tracking");
try {
  const signed = resendWebhooks({ signingSecret: ${JSON.stringify(secret)} }).isSigned("tracking");
  console.log(JSON.stringify({ unsigned, signed }));
} catch (error) {
  const { name, code, packageName, message } = error;
  console.log(JSON.stringify({ unsigned, error: { name, code, packageName, message } }));
}`;
  const args = withoutSvix ? ["--require", hideSvix] : [];
  const input = format === "cjs" ? ["-e", script] : ["--input-type=module", "-e", script];
  return execFileSync(process.execPath, [...args, ...input], { encoding: "utf8" }).trim();
}

describe.each(["esm", "cjs"] as const)("built %s output", (format) => {
  it("loads svix only when a secret is configured and verifies with it", () => {
    expect(JSON.parse(run(format, false))).toEqual({ unsigned: false, signed: true });
  });

  it("without svix installed: no secret works, a secret is AnymailImproperlyInstalled naming svix@1", () => {
    const { unsigned, error } = JSON.parse(run(format, true));
    expect(unsigned).toBe(false);
    expect(error).toMatchObject({
      name: "AnymailImproperlyInstalled",
      code: "improperly_installed",
      packageName: "svix",
    });
    expect(error.message).toContain("svix@1");
  });
});
