import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
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
      kind: "network",
    });
  });
});
