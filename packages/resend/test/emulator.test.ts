import { createMailer, type EmailMessage, type LogRecord, type RetryOptions } from "@anymail/core";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resend } from "../src/index.js";
import { recipients } from "./support/messages.js";

const KEY = "re_integration_key";
const BASE: EmailMessage = {
  from: "Shop <shop@example.com>",
  to: "delivered@resend.dev",
  subject: "Integration",
  text: "Hello from the integration test",
};

// The emulator's clock, advanced by core's injected sleep: retries wait "seconds" instantly.
let clock = Date.now();
let emu: ResendEmulator;
const providers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  emu = await startResendEmulator({ port: 0, rateLimit: false, now: () => clock });
});
afterEach(async () => {
  emu.reset();
  emu.setFaults(undefined);
  await Promise.all(providers.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await emu.close();
});

function mailerFor(retry: RetryOptions | false = false, logger?: (r: LogRecord) => void) {
  const provider = resend({ apiKey: KEY, apiUrl: emu.url });
  providers.push(provider);
  return createMailer({ provider, retry, ...(logger === undefined ? {} : { logger }) });
}

describe("through the emulator over HTTP", () => {
  it("sends a single message with every mapped field", async () => {
    const mailer = mailerFor();
    const result = await mailer.send({
      ...BASE,
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: "cy@example.org",
      bcc: "dee@example.org",
      replyTo: "help@example.com",
      html: "<p>Hello</p>",
      headers: { "X-Entity-Ref-ID": "order-4411" },
      metadata: { orderId: 4411 },
      tags: ["order"],
      idempotencyKey: "single-1",
    });
    expect(emu.emails).toHaveLength(1);
    const [stored] = emu.emails;
    expect(result.messageId).toBe(stored?.id);
    expect(stored).toMatchObject({
      from: "Shop <shop@example.com>",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: ["cy@example.org"],
      bcc: ["dee@example.org"],
      replyTo: ["help@example.com"],
      subject: "Integration",
      html: "<p>Hello</p>",
      headers: {
        "X-Entity-Ref-ID": "order-4411",
        "X-Metadata": '{"orderId":4411}',
        "X-Tags": '["order"]',
      },
      idempotencyKey: "single-1",
    });
    expect(Object.keys(result.recipients).sort()).toEqual([
      "ana@example.org",
      "bob@example.org",
      "cy@example.org",
      "dee@example.org",
    ]);
    expect(result.espResponse?.status).toBe(200);
  });

  it("sends a batch of 250 recipients in 3 calls with keys /1 /2 /3", async () => {
    const mailer = mailerFor();
    const to = recipients(250);
    const mergeMetadata = Object.fromEntries(to.map((address, i) => [address, { n: i }]));
    const message: EmailMessage = {
      ...BASE,
      to,
      cc: "audit@example.com",
      metadata: { campaign: "spring" },
      mergeMetadata,
      idempotencyKey: "campaign-250",
    };
    const result = await mailer.send(message);

    expect(emu.emails).toHaveLength(250);
    expect(new Set(emu.emails.map((e) => e.idempotencyKey))).toEqual(
      new Set(["campaign-250/1", "campaign-250/2", "campaign-250/3"]),
    );
    expect(emu.emails.every((e) => e.batch)).toBe(true);
    const byTo = new Map(emu.emails.map((e) => [e.to[0], e]));
    for (const [i, address] of to.entries()) {
      const stored = byTo.get(address);
      expect(result.recipients[address]).toEqual({ status: "queued", messageId: stored?.id });
      expect(stored?.headers?.["X-Metadata"]).toBe(JSON.stringify({ campaign: "spring", n: i }));
      expect(stored?.cc).toEqual(["audit@example.com"]);
    }
    expect(result.recipients["audit@example.com"]).toEqual({ status: "queued" });

    // The same send again (e.g. a retry after a crash) replays every call: nothing new is stored.
    const again = await mailer.send(message);
    expect(emu.emails).toHaveLength(250);
    expect(again.recipients).toEqual(result.recipients);
  });

  it("sends attachments and inline images", async () => {
    const mailer = mailerFor();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await mailer.send({
      ...BASE,
      html: '<p>Logo: <img src="cid:logo-1"></p>',
      attachments: [
        { filename: "receipt.pdf", content: new Uint8Array([37, 80, 68, 70, 45]) },
        { filename: "notes.txt", content: "héllo" },
        { filename: "logo.png", content: png, contentId: "logo-1" },
      ],
    });
    const [stored] = emu.emails;
    expect(
      stored?.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        contentId: a.contentId,
        size: a.size,
      })),
    ).toEqual([
      { filename: "receipt.pdf", contentType: "application/pdf", contentId: null, size: 5 },
      {
        filename: "notes.txt",
        contentType: 'text/plain; charset="utf-8"',
        contentId: null,
        size: 6,
      },
      { filename: "logo.png", contentType: "image/png", contentId: "logo-1", size: 8 },
    ]);
    expect(Buffer.from(stored?.attachments[2]?.content ?? "", "base64")).toEqual(Buffer.from(png));
  });

  it("schedules a send", async () => {
    const mailer = mailerFor();
    const at = new Date(clock + 3_600_000);
    await mailer.send({ ...BASE, sendAt: at });
    const [stored] = emu.emails;
    expect(stored?.scheduledAt).not.toBeNull();
    expect(Date.parse(stored?.scheduledAt ?? "")).toBe(at.getTime());
    expect(Date.parse(String(stored?.request.scheduled_at))).toBe(at.getTime());
    expect(stored?.lastEvent).toBe("scheduled");
  });

  it("surfaces Resend's validation errors as AnymailAPIError", async () => {
    const mailer = mailerFor();
    await expect(mailer.send({ ...BASE, subject: undefined })).rejects.toMatchObject({
      code: "api_error",
      statusCode: 422,
      providerCode: "missing_required_field",
      retryable: false,
    });
  });
});

describe("reliability through the emulator", () => {
  it("retries a 429 after retry-after and sends once", async () => {
    const limited = await startResendEmulator({
      port: 0,
      rateLimit: { requestsPerSecond: 1 },
      now: () => clock,
    });
    try {
      const provider = resend({ apiKey: KEY, apiUrl: limited.url });
      providers.push(provider);
      const waits: number[] = [];
      const mailer = createMailer({
        provider,
        retry: {
          attempts: 3,
          sleep: async (ms) => {
            waits.push(ms);
            clock += ms;
          },
        },
      });
      await mailer.send(BASE); // uses this second's only request
      const result = await mailer.send({ ...BASE, idempotencyKey: "after-429" });
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(1000);
      expect(limited.emails).toHaveLength(2);
      expect(result.messageId).toBe(limited.emails[1]?.id);
      expect(result.espResponse?.headers).toHaveProperty("ratelimit-limit", "1");
    } finally {
      await limited.close();
    }
  });

  it("retries a dropped response with the same idempotency key and stores the email once", async () => {
    const keys: unknown[] = [];
    const provider = resend({ apiKey: KEY, apiUrl: emu.url });
    providers.push(provider);
    const mailer = createMailer({
      provider,
      retry: {
        attempts: 3,
        sleep: async () => {
          // Accept-then-drop happened once; let the retry through.
          emu.setFaults(undefined);
        },
      },
      logger: (record) => {
        if (record.message === "send attempt") keys.push(record.idempotencyKey);
      },
    });
    emu.setFaults({ "POST /emails": { dropResponseRate: 1 } });
    const result = await mailer.send({ ...BASE, idempotencyKey: "drop-1" });
    expect(emu.emails).toHaveLength(1);
    expect(result.messageId).toBe(emu.emails[0]?.id);
    expect(keys).toEqual(["drop-1", "drop-1"]);
  });

  it("retries a dropped batch response and stores each email once", async () => {
    const provider = resend({ apiKey: KEY, apiUrl: emu.url });
    providers.push(provider);
    let drops = 0;
    const mailer = createMailer({
      provider,
      retry: {
        attempts: 3,
        sleep: async () => {
          drops++;
          emu.setFaults(undefined);
        },
      },
    });
    emu.setFaults({ "POST /emails/batch": { dropResponseRate: 1 } });
    const result = await mailer.send({ ...BASE, to: recipients(120), mergeMetadata: {} });
    expect(drops).toBe(1);
    expect(emu.emails).toHaveLength(120);
    expect(new Set(Object.values(result.recipients).map((r) => r.messageId)).size).toBe(120);
  });

  it("reports a refused connection as a retryable connect error (never written)", async () => {
    const provider = resend({ apiKey: KEY, apiUrl: "http://127.0.0.1:9/" });
    providers.push(provider);
    await expect(createMailer({ provider, retry: false }).send(BASE)).rejects.toMatchObject({
      code: "api_error",
      kind: "connect",
      retryable: true,
    });
  });
});
