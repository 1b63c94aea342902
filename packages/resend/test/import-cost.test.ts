import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../dist/index.cjs", import.meta.url));

// Runs the built package in a fresh process: the test runner itself already loaded undici.
function run(script: string): string {
  if (!existsSync(dist))
    throw new Error(`${dist} is missing: run \`pnpm --filter @anymail/resend build\` first`);
  return execFileSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    env: { ...process.env, RESEND_API_KEY: "re_import_cost" },
  }).trim();
}

describe("import cost", () => {
  it("does not load undici until the first send", () => {
    const output = run(`
      const loaded = () => Object.keys(require.cache).some((k) => k.includes("/undici/"));
      const { resend } = require(${JSON.stringify(dist)});
      const before = loaded();
      const provider = resend({ apiUrl: "http://127.0.0.1:9/" });
      const afterBuild = loaded();
      provider
        .send(
          { from: { address: "a@example.com", addrSpec: "a@example.com", usesEai: false }, to: [], cc: [], bcc: [], replyTo: [], attachments: [], isBatch: false },
          { idempotencyKey: "k", signal: new AbortController().signal, deadline: Date.now() + 5000, attempt: 1 },
        )
        .catch((error) => error)
        .then(async (error) => {
          console.log(JSON.stringify({ before, afterBuild, afterSend: loaded(), kind: error.kind }));
          await provider.close();
        });
    `);
    expect(JSON.parse(output)).toEqual({
      before: false,
      afterBuild: false,
      afterSend: true,
      kind: "connect",
    });
  });
});

const distDir = fileURLToPath(new URL("../dist/", import.meta.url));
const coreDist = fileURLToPath(new URL("../node_modules/@anymail/core/dist/", import.meta.url));
const LAZY_DEPENDENCIES = ["email-addresses", "mime-types", "undici"];

// Each step records which lazily loaded dependencies are in the (shared) CommonJS module
// cache, which the ESM build's createRequire fills too. postal-mime is ESM-imported, so
// it is checked in the built text below and exercised through the inbound path here.
function lazyLoadingScript(format: "esm" | "cjs"): string {
  const load = (file: string) =>
    format === "cjs"
      ? `require(${JSON.stringify(file)})`
      : `await import(${JSON.stringify(pathToFileURL(file).href)})`;
  const ext = format === "cjs" ? "cjs" : "js";
  return `
    const { createRequire } = require("node:module");
    const cache = createRequire(${JSON.stringify(distDir)}).cache;
    const loaded = () => ${JSON.stringify(LAZY_DEPENDENCIES)}.filter((name) =>
      Object.keys(cache).some((key) => key.includes("/node_modules/" + name + "/")));
    const steps = {};
    const core = ${load(`${coreDist}index.${ext}`)};
    const provider = ${load(`${distDir}index.${ext}`)};
    const unstable = ${load(`${distDir}internal-unstable.${ext}`)};
    steps.imported = loaded();
    steps.plain = core.parseAddress("Ana <ana@example.org>", "to").address;
    steps.afterPlain = loaded();
    steps.complex = core.parseAddress('"Dr. Who" (the doctor) <who@example.com>', "to").address;
    steps.afterComplex = loaded();
    const prepared = core.prepareMessage({
      from: "a@example.com", to: "b@example.org", subject: "s", text: "t",
      attachments: [{ content: "x", contentType: "image/png" }],
    });
    steps.generatedName = JSON.parse(unstable.planResendRequest(prepared).body).attachments[0].filename;
    steps.afterResendLookup = loaded();
    steps.lookedUpType = core.normalizeAttachment({ filename: "report.pdf", content: "x" }).mimeType;

    const { startResendEmulator } = require("@anymail/emulator");
    const { Webhook } = require("svix");
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const emu = await startResendEmulator({ port: 0, rateLimit: false });
    await emu.receive({ from: "Ana <ana@example.org>", to: ["support@example.test"], subject: "Inbound", text: "Hello" });
    const body = JSON.stringify(emu.events.at(-1).payload);
    const at = new Date();
    const headers = new Headers({
      "svix-id": "msg_lazy", "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(secret).sign("msg_lazy", at, body),
    });
    const request = { method: "POST", url: "https://app.example/anymail/resend/inbound", headers, body: new TextEncoder().encode(body) };
    const webhooks = provider.resendWebhooks({ inboundSecret: secret, apiKey: "re_lazy", apiUrl: emu.url });
    const parsed = await webhooks.parse("inbound", request, await webhooks.verify("inbound", request));
    steps.inboundSubject = parsed.events[0].message.subject;
    await emu.close();
    console.log(JSON.stringify(steps));
  `;
}

describe.each(["esm", "cjs"] as const)("lazy dependencies, built %s output", (format) => {
  it("loads none of them on import, each on first use, and each works", () => {
    const script = lazyLoadingScript(format);
    const args =
      format === "cjs"
        ? ["-e", `(async () => {${script}})()`]
        : [
            "--input-type=module",
            "-e",
            `import { createRequire as cr } from "node:module"; const require = cr(${JSON.stringify(distDir)});${script}`,
          ];
    const output = execFileSync(process.execPath, args, {
      encoding: "utf8",
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    }).trim();
    expect(JSON.parse(output)).toEqual({
      imported: [],
      plain: "Ana <ana@example.org>",
      afterPlain: [],
      complex: '"Dr. Who" <who@example.com>',
      afterComplex: ["email-addresses"],
      generatedName: "attachment.png",
      afterResendLookup: ["email-addresses", "mime-types"],
      lookedUpType: "application/pdf",
      inboundSubject: "Inbound",
    });
  });

  it("imports postal-mime only inside the inbound path", () => {
    const text = readFileSync(`${distDir}index.${format === "cjs" ? "cjs" : "js"}`, "utf8");
    expect(text).toMatch(/\bimport\(["']postal-mime["']\)/);
    expect(text).not.toMatch(/^import [^;]*["']postal-mime["']/m);
    expect(text).not.toMatch(/require\(["']postal-mime["']\)/);
  });
});
