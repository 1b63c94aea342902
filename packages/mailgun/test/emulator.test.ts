// End to end against the Mailgun personality of @anymail/emulator over real HTTP: sending,
// signed tracking webhooks into a real @anymail/webhooks handler, and inbound routes.
import { type AnymailAPIError, createMailer, inlineImage } from "@anymail/core";
import { startEmulator } from "@anymail/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { mailgun } from "../src/index.js";
import { startWebhookApp } from "./support/webhook-server.js";

const SIGNING_KEY = "emulator-signing-key";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(options: Parameters<typeof startEmulator>[0] = {}) {
  const emu = await startEmulator({
    rateLimit: false,
    deliveryDelayMs: 5,
    ...options,
    provider: "mailgun",
  });
  cleanups.push(() => emu.close());
  const mailer = createMailer({
    provider: mailgun({
      apiKey: "key-e2e",
      apiUrl: `${emu.url}/v3`,
      senderDomain: "mg.example.com",
    }),
    retry: false,
  });
  cleanups.push(() => mailer.close());
  return { emu, mailer };
}

async function webhookApp() {
  const app = await startWebhookApp(SIGNING_KEY);
  cleanups.push(() => app.close());
  return app;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

describe("@anymail/mailgun against the emulator", () => {
  it("sends every field Mailgun stores", async () => {
    const { emu, mailer } = await setup();
    const { attachment, cid } = inlineImage(PNG, { filename: "logo.png" });
    const result = await mailer.send({
      from: "Shop <shop@mg.example.com>",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: "cc@example.org",
      replyTo: "help@mg.example.com",
      subject: "Your order",
      text: "Thanks!",
      html: `<p>Thanks! <img src="cid:${cid}"></p>`,
      tags: ["order"],
      metadata: { order: "4411" },
      headers: { "X-Campaign": "spring" },
      attachments: [{ filename: "invoice.txt", content: "total: 1" }, attachment],
    });
    expect(result.status).toEqual(new Set(["queued"]));
    expect(result.messageId).toMatch(/@mg\.example\.com>$/);
    const [email] = emu.emails;
    expect(email).toMatchObject({
      from: "Shop <shop@mg.example.com>",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: ["cc@example.org"],
      replyTo: ["help@mg.example.com"],
      subject: "Your order",
      tags: ["order"],
      metadata: { order: "4411" },
      headers: { "X-Campaign": "spring" },
      messageId: result.messageId,
    });
    expect(email!.attachments.map((a) => [a.filename, a.contentType, a.contentId])).toEqual([
      ["invoice.txt", 'text/plain; charset="utf-8"', null],
      [cid, "image/png", cid],
    ]);
  });

  it("batch-sends with merge data and merge metadata, one id for all", async () => {
    const { emu, mailer } = await setup();
    const result = await mailer.send({
      from: "shop@mg.example.com",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      subject: "Order %recipient.order%",
      text: "Hi %recipient.name%",
      mergeData: {
        "ana@example.org": { name: "Ana", order: "A-1" },
        "bob@example.org": { name: "Bob", order: "B-2" },
      },
      mergeMetadata: { "ana@example.org": { customer: "c-1" } },
    });
    expect(emu.emails.map((e) => [e.subject, e.text, e.metadata.customer, e.messageId])).toEqual([
      ["Order A-1", "Hi Ana", "c-1", result.messageId],
      ["Order B-2", "Hi Bob", "", result.messageId],
    ]);
    expect(Object.values(result.recipients).map((r) => r.messageId)).toEqual([
      result.messageId,
      result.messageId,
    ]);
  });

  it("maps Mailgun's refusals to typed errors", async () => {
    const { emu } = await setup({ apiKeys: ["key-good"] });
    const wrongKey = createMailer({
      provider: mailgun({ apiKey: "key-bad", apiUrl: `${emu.url}/v3` }),
      retry: false,
    });
    cleanups.push(() => wrongKey.close());
    const error = (await wrongKey
      .send({ from: "a@mg.example.com", to: "b@example.org", subject: "s", text: "t" })
      .catch((e: unknown) => e)) as AnymailAPIError;
    expect(error).toMatchObject({ code: "api_error", statusCode: 401, retryable: false });
    expect(error.message).toBe("Mailgun API response 401: Forbidden");
  });

  it("retries a 503 but not a response lost after Mailgun stored the message", async () => {
    const { emu } = await setup();
    const mailer = createMailer({
      provider: mailgun({ apiKey: "key-e2e", apiUrl: `${emu.url}/v3` }),
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    cleanups.push(() => mailer.close());
    emu.setFaults({ "POST /v3/:domain/messages": { dropResponseRate: 1 } });
    const lost = (await mailer
      .send({ from: "a@mg.example.com", to: "b@example.org", subject: "s", text: "t" })
      .catch((e: unknown) => e)) as AnymailAPIError;
    expect(lost).toMatchObject({ code: "api_error", retryable: false });
    expect(emu.emails).toHaveLength(1); // stored once, never sent again
  });

  it("delivers signed tracking events into mailgunWebhooks", async () => {
    const app = await webhookApp();
    const { emu, mailer } = await setup({
      webhooks: [{ url: `${app.url}/anymail/mailgun/tracking`, secret: SIGNING_KEY }],
    });
    const ok = await mailer.send({
      from: "shop@mg.example.com",
      to: "ana@example.org",
      subject: "s",
      text: "t",
      tags: ["welcome"],
      metadata: { user: "42" },
    });
    const bounced = await mailer.send({
      from: "shop@mg.example.com",
      to: "bounced@mailgun.test",
      subject: "s",
      text: "t",
    });
    await emu.waitForDeliveries();
    expect(app.statuses.every((s) => s === 200)).toBe(true);
    const byId = new Map(app.tracking.map((e) => [e.messageId, e]));
    expect(byId.get(ok.messageId)).toMatchObject({
      eventType: "delivered",
      recipient: "ana@example.org",
      tags: ["welcome"],
      metadata: { user: "42" },
      mtaResponse: "OK",
    });
    expect(byId.get(bounced.messageId)).toMatchObject({
      eventType: "bounced",
      rejectReason: "bounced",
      recipient: "bounced@mailgun.test",
    });
    // Opens and clicks emitted on demand.
    emu.emit(emu.emails[0]!.id, "clicked", { url: "https://example.com/track" });
    await emu.waitForDeliveries();
    expect(app.tracking.at(-1)).toMatchObject({
      eventType: "clicked",
      clickUrl: "https://example.com/track",
    });
  });

  it("refuses webhooks signed with another key", async () => {
    const app = await webhookApp();
    const { emu, mailer } = await setup({
      webhooks: [{ url: `${app.url}/anymail/mailgun/tracking`, secret: "another-key" }],
      webhookRetryScheduleMs: [0],
    });
    await mailer.send({
      from: "shop@mg.example.com",
      to: "ana@example.org",
      subject: "s",
      text: "t",
    });
    await emu.waitForDeliveries();
    expect(app.statuses.length).toBeGreaterThan(0);
    expect(app.statuses.every((s) => s === 401)).toBe(true);
    expect(app.tracking).toHaveLength(0);
  });

  it("receives inbound routes, parsed fields and raw MIME", async () => {
    const app = await webhookApp();
    const { emu } = await setup({
      webhooks: [
        { url: `${app.url}/anymail/mailgun/inbound`, secret: SIGNING_KEY, events: ["inbound"] },
        {
          url: `${app.url}/anymail/mailgun/inbound?format=mime`,
          secret: SIGNING_KEY,
          events: ["inbound"],
        },
      ],
    });
    await emu.receive({
      from: "Ana <ana@example.org>",
      to: "support@mg.example.com",
      subject: "Help",
      text: "Please help",
      html: "<p>Please help</p>",
      attachments: [
        { filename: "log.txt", content: "log line" },
        { filename: "pic.png", content: PNG, contentType: "image/png", contentId: "pic@x" },
      ],
    });
    await emu.waitForDeliveries();
    expect(app.inbound).toHaveLength(2);
    for (const event of app.inbound) {
      const m = event.message;
      expect(m.fromAddress?.addrSpec).toBe("ana@example.org");
      expect(m.subject).toBe("Help");
      expect(m.text?.trim()).toBe("Please help");
      expect(m.envelopeRecipient).toBe("support@mg.example.com");
      expect(m.contentIdMap["pic@x"]?.content).toEqual(PNG);
      expect(
        new TextDecoder().decode(m.attachments.find((a) => a.filename === "log.txt")!.content),
      ).toBe("log line");
    }
    expect(app.inbound.filter((e) => e.message.raw !== undefined)).toHaveLength(1);
  });
});
