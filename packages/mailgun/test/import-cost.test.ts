import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../dist/index.cjs", import.meta.url));

// A fresh process: the test runner itself has already loaded undici.
function run(script: string): string {
  if (!existsSync(dist)) {
    throw new Error(`${dist} is missing: run \`pnpm --filter @anymail/mailgun build\` first`);
  }
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
}

describe("import cost", () => {
  it("loads undici on the first send and postal-mime never for tracking", () => {
    const output = run(`
      const loaded = (name) => Object.keys(require.cache).some((k) => k.includes("/node_modules/" + name + "/"));
      const { mailgun, mailgunWebhooks } = require(${JSON.stringify(dist)});
      const steps = { imported: loaded("undici") };
      const provider = mailgun({ apiKey: "k", apiUrl: "http://127.0.0.1:9/v3" });
      mailgunWebhooks({ webhookSigningKey: "s" });
      steps.built = loaded("undici") || loaded("postal-mime");
      provider
        .send(
          { from: { address: "a@example.com", addrSpec: "a@example.com", domain: "example.com", usesEai: false }, to: [], cc: [], bcc: [], replyTo: [], attachments: [], isBatch: false },
          { idempotencyKey: "k", signal: new AbortController().signal, deadline: Date.now() + 5000, attempt: 1 },
        )
        .catch((error) => error)
        .then(async (error) => {
          steps.afterSend = loaded("undici");
          steps.kind = error.kind;
          steps.retryable = error.retryable;
          console.log(JSON.stringify(steps));
          await provider.close();
        });
    `);
    expect(JSON.parse(output)).toEqual({
      imported: false,
      built: false,
      afterSend: true,
      kind: "connect",
      retryable: true, // connection refused: never written, safe to retry
    });
  });
});
