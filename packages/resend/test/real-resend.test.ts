import { createMailer } from "@anymail/core";
import { describe, expect, it } from "vitest";
import { resend } from "../src/index.js";

// Opt-in: talks to the real Resend API only when a key is given.
const key = process.env.RESEND_API_KEY;
const from = process.env.RESEND_TEST_FROM ?? "Anymail test <onboarding@resend.dev>";
if (!key) {
  // The reporter lists a skipped file without its test titles; say why where it shows.
  console.warn("real Resend test skipped: set RESEND_API_KEY to send through api.resend.com");
}

describe("real Resend API", () => {
  it.skipIf(!key)(
    key
      ? "sends to delivered@resend.dev"
      : "skipped: set RESEND_API_KEY to send through real Resend",
    async () => {
      const provider = resend({ apiKey: key, apiUrl: "https://api.resend.com/" });
      const mailer = createMailer({ provider, retry: { attempts: 3 } });
      try {
        const result = await mailer.send({
          from,
          to: "delivered@resend.dev",
          subject: "anymail-resend integration test",
          text: "Sent by @anymail/resend's opt-in test.",
          tags: ["anymail-test"],
          metadata: { run: String(Date.now()) },
        });
        expect(result.messageId).toMatch(/^[0-9a-f-]{36}$/);
        expect(result.recipients["delivered@resend.dev"]?.status).toBe("queued");
        expect(result.espResponse?.headers).toHaveProperty("ratelimit-limit");
      } finally {
        await mailer.close();
      }
    },
  );
});
