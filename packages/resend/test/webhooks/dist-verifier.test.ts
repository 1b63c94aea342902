import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { svixSignedHeaders } from "@anymail/emulator/testing";
import { beforeAll, describe, expect, it } from "vitest";

// Runs the BUILT package (ESM and CJS) in a fresh Node process with the `svix` package made
// unresolvable: signature checks must not need it, in either module format.
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
  if (request === "svix" || request.startsWith("svix/")) throw Object.assign(new Error("Cannot find module 'svix'"), { code: "MODULE_NOT_FOUND" });
  return resolve.call(this, request, ...rest);
};`,
  );
});

function run(format: "esm" | "cjs"): unknown {
  const body = JSON.stringify({
    type: "email.delivered",
    created_at: "2026-11-20T10:15:06.318Z",
    data: { email_id: "e1", to: ["ana@example.org"] },
  });
  const headers = svixSignedHeaders(secret, body, { id: "msg_dist" });
  const load =
    format === "cjs"
      ? `const { resendWebhooks } = require(${JSON.stringify(join(dist, "index.cjs"))});`
      : `const { resendWebhooks } = await import(${JSON.stringify(join(dist, "index.js"))});`;
  const script = `${load}
const provider = resendWebhooks({ signingSecret: ${JSON.stringify(secret)} });
const request = (sig) => ({
  method: "POST",
  url: "https://app.example/anymail/resend/tracking",
  headers: new Headers({ ...${JSON.stringify(headers)}, "svix-signature": sig }),
  body: new TextEncoder().encode(${JSON.stringify(body)}),
});
const good = request(${JSON.stringify(headers["svix-signature"])});
const verified = await provider.verify("tracking", good);
const parsed = await provider.parse("tracking", good, verified);
let forged;
try {
  await provider.verify("tracking", request("v1,Zm9yZ2Vk"));
} catch (error) {
  forged = { name: error.name, code: error.code };
}
console.log(JSON.stringify({ verified, eventType: parsed.events[0].eventType, forged }));`;
  const wrapped = format === "cjs" ? `(async () => {${script}})()` : script;
  const input = format === "cjs" ? ["-e", wrapped] : ["--input-type=module", "-e", wrapped];
  const out = execFileSync(process.execPath, ["--require", hideSvix, ...input], {
    encoding: "utf8",
  });
  return JSON.parse(out.trim());
}

describe.each(["esm", "cjs"] as const)("built %s output without the svix package", (format) => {
  it("verifies a signed delivery and refuses a forged one", () => {
    expect(run(format)).toEqual({
      verified: { deliveryId: "msg_dist" },
      eventType: "delivered",
      forged: { name: "AnymailWebhookValidationFailure", code: "webhook_validation_failure" },
    });
  });
});
