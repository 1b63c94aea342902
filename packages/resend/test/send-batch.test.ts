import { createMailer, type EmailMessage } from "@anymail/core";
import { startResendEmulator } from "@anymail/emulator";
import { describe, expect, it } from "vitest";
import { resend } from "../src/index.js";

const KEY = "re_batch_key";
const message = (i: number): EmailMessage => ({
  from: "Shop <shop@example.com>",
  to: `r${i}@example.org`,
  subject: `Order ${i}`,
  text: `message ${i}`,
  tags: ["order"],
});

async function withEmulator<T>(
  options: Parameters<typeof startResendEmulator>[0],
  run: (emu: Awaited<ReturnType<typeof startResendEmulator>>) => Promise<T>,
): Promise<T> {
  const emu = await startResendEmulator({ port: 0, ...options });
  try {
    return await run(emu);
  } finally {
    await emu.close();
  }
}

describe("resend(): sendBatch over POST /emails/batch", () => {
  it("sends independent messages in one call; each result carries its own id", async () => {
    await withEmulator({ rateLimit: false }, async (emu) => {
      const mailer = createMailer({ provider: resend({ apiKey: KEY, apiUrl: emu.url }) });
      const outcomes = await mailer.sendBatch([message(1), message(2), message(3)], {
        idempotencyKey: "batch-key-1",
      });
      await mailer.close();
      expect(emu.emails).toHaveLength(3);
      outcomes.forEach((outcome, i) => {
        if (!outcome.ok) throw outcome.error;
        const stored = emu.emails.find((e) => e.id === outcome.result.messageId);
        expect(stored?.subject).toBe(`Order ${i + 1}`);
        expect(outcome.result.recipients[`r${i + 1}@example.org`]?.status).toBe("queued");
      });
    });
  });

  it("the same list with the same key is answered from Resend's idempotency cache", async () => {
    await withEmulator({ rateLimit: false }, async (emu) => {
      const mailer = createMailer({ provider: resend({ apiKey: KEY, apiUrl: emu.url }) });
      const first = await mailer.sendBatch([message(1), message(2)], { idempotencyKey: "same" });
      const again = await mailer.sendBatch([message(1), message(2)], { idempotencyKey: "same" });
      await mailer.close();
      expect(emu.emails).toHaveLength(2);
      expect(again.map((o) => o.ok && o.result.messageId)).toEqual(
        first.map((o) => o.ok && o.result.messageId),
      );
    });
  });

  it("declares what the batch can't carry: attachments and sendAt go alone", async () => {
    const provider = resend({ apiKey: KEY, apiUrl: "http://127.0.0.1:9/" });
    const mailer = createMailer({ provider });
    expect(provider.batch?.maxMessages).toBe(100);
    expect(provider.batch?.accepts?.(mailer.prepare(message(1)))).toBe(true);
    const withFile = mailer.prepare({
      ...message(1),
      attachments: [{ filename: "a.txt", content: "x" }],
    });
    expect(provider.batch?.accepts?.(withFile)).toBe(false);
    const scheduled = mailer.prepare({ ...message(1), sendAt: "2030-01-01T00:00:00Z" });
    expect(provider.batch?.accepts?.(scheduled)).toBe(false);
    await mailer.close();
  });

  it("createMailer({ coalesce }): 10,000 concurrent send() under a 2 requests/s limit, each once", async () => {
    await withEmulator(
      {
        rateLimit: { requestsPerSecond: 2 },
        webhooks: [],
        retention: { maxEmails: 12_000, maxIdempotencyKeys: 1_000 },
      },
      async (emu) => {
        let calls = 0;
        let limited = 0;
        const mailer = createMailer({
          provider: resend({ apiKey: KEY, apiUrl: emu.url }),
          coalesce: { max: 100, windowMs: 5 },
          retry: { attempts: 5 },
          logger: (record) => {
            if (record.message.startsWith("Resend POST /emails/batch")) {
              calls++;
              if (record.status === 429) limited++;
            }
          },
        });
        const started = performance.now();
        const results = await Promise.all(
          Array.from({ length: 10_000 }, (_, i) => mailer.send(message(i))),
        );
        const seconds = (performance.now() - started) / 1000;
        await mailer.close();
        console.log(
          `coalesce: 10,000 send() in ${seconds.toFixed(1)} s through ${calls} batch calls (${limited} answered 429) at the emulator's 2 req/s`,
        );
        expect(emu.emails).toHaveLength(10_000);
        const ids = new Set(results.map((r) => r.messageId));
        expect(ids.size).toBe(10_000);
        const subjects = new Set(emu.emails.map((e) => e.subject));
        expect(subjects.size).toBe(10_000);
        // 100 per call: 100 calls did the work.
        expect(calls - limited).toBe(100);
      },
    );
  }, 180_000);
});
