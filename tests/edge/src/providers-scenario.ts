// Postmark and Mailgun in a runtime: fixtures/providers-app.ts runs there, a Postmark and a
// Mailgun emulator run here in Node on 127.0.0.1, talking over real HTTP both ways.
import { randomBytes } from "node:crypto";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { signMailgunWebhook } from "@anymail/mailgun";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeForRuntime } from "./describe-runtime.js";
import type { Availability, RuntimeName } from "./runtimes.js";
import type { RunningApp } from "./server-process.js";

/** What fixtures/providers-app.ts reads (bindings, or environment variables). */
export interface ProvidersEnv {
  POSTMARK_SERVER_TOKEN: string;
  POSTMARK_API_URL: string;
  POSTMARK_WEBHOOK_AUTH: string;
  MAILGUN_API_KEY: string;
  MAILGUN_API_URL: string;
  MAILGUN_WEBHOOK_SIGNING_KEY: string;
}

export function describeProviders(
  name: RuntimeName,
  availability: Availability,
  start: (env: ProvidersEnv) => Promise<RunningApp>,
): void {
  describeForRuntime("Postmark and Mailgun", name, availability, () => scenario(start));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function scenario(start: (env: ProvidersEnv) => Promise<RunningApp>): void {
  const webhookAuth = `hooks:${randomBytes(12).toString("hex")}`;
  const signingKey = randomBytes(16).toString("hex");
  let postmarkEmu: Emulator;
  let mailgunEmu: Emulator;
  let app: RunningApp;

  beforeAll(async () => {
    [postmarkEmu, mailgunEmu] = await Promise.all([
      startEmulator({ provider: "postmark", rateLimit: false, deliveryDelayMs: 5 }),
      startEmulator({ provider: "mailgun", rateLimit: false, deliveryDelayMs: 5 }),
    ]);
    app = await start({
      POSTMARK_SERVER_TOKEN: "postmark-edge-token",
      POSTMARK_API_URL: postmarkEmu.url,
      POSTMARK_WEBHOOK_AUTH: webhookAuth,
      MAILGUN_API_KEY: "key-edge",
      MAILGUN_API_URL: `${mailgunEmu.url}/v3`,
      MAILGUN_WEBHOOK_SIGNING_KEY: signingKey,
    });
    // Postmark signs nothing: basic auth in the URL, as configured in Postmark.
    const withAuth = app.url.replace("http://", `http://${webhookAuth}@`);
    postmarkEmu.addWebhook({
      url: `${withAuth}/anymail/postmark/tracking`,
      events: ["Delivery", "Bounce", "SpamComplaint", "Open", "Click"],
    });
    postmarkEmu.addWebhook({ url: `${withAuth}/anymail/postmark/inbound`, events: ["Inbound"] });
    mailgunEmu.addWebhook({
      url: `${app.url}/anymail/mailgun/tracking`,
      secret: signingKey,
      events: ["delivered", "permanent_fail", "temporary_fail", "complained", "opened", "clicked"],
    });
    mailgunEmu.addWebhook({
      url: `${app.url}/anymail/mailgun/inbound`,
      secret: signingKey,
      events: ["inbound"],
    });
  });

  afterAll(async () => {
    await app?.close();
    await postmarkEmu?.close();
    await mailgunEmu?.close();
  });

  async function welcome(esp: "postmark" | "mailgun", email: string): Promise<string> {
    const response = await fetch(`${app.url}/send/${esp}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email }),
    });
    const text = await response.text();
    expect(
      response.status,
      `${text.slice(0, 300)}\napp output:\n${app.logs.lines.join("\n")}`,
    ).toBe(200);
    const { messageId } = JSON.parse(text) as { messageId?: string };
    expect(messageId, text).toBeTruthy();
    return messageId!;
  }

  async function receiveAndAwaitReply(emu: Emulator, subject: string) {
    await emu.receive({
      from: "Bea <bea@example.org>",
      to: "support@example.com",
      subject,
      text: "Where is my parcel?",
      attachments: [{ filename: "receipt.txt", content: "paid", contentType: "text/plain" }],
    });
    await emu.waitForDeliveries(
      (deliveries) => deliveries.some((d) => d.url.endsWith("/inbound")),
      { timeoutMs: 10_000 },
    );
    const inbound = emu.deliveries.filter((d) => d.url.endsWith("/inbound"));
    expect(
      inbound.map((d) => d.status),
      `app output:\n${app.logs.lines.join("\n")}`,
    ).toEqual([200]);
    const reply = emu.emails.find((email) => email.subject === `Re: ${subject}`)!;
    expect(reply.to).toEqual(["Bea <bea@example.org>"]);
    expect(reply.text).toContain("(1 attachment)");
    expect(reply.text).toContain("Where is my parcel?");
  }

  /**
   * The emulator stores the email, then drops the connection: the send is ambiguous. Without
   * idempotency keys a retry could send twice, so the mailer must give up with a typed error.
   */
  async function expectLostResponseNotRetried(
    emu: Emulator,
    endpoint: string,
    esp: "postmark" | "mailgun",
    email: string,
  ) {
    emu.setFaults({ [endpoint]: { dropResponseRate: 1, maxFaults: 1 } });
    try {
      const response = await fetch(`${app.url}/send/${esp}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      const text = await response.text();
      const sent = emu.emails.filter((stored) => stored.to.includes(email));
      expect(sent, `${text}: never send twice`).toHaveLength(1);
      expect(response.status, `${text}\napp output:\n${app.logs.lines.join("\n")}`).toBe(502);
      expect(JSON.parse(text)).toMatchObject({
        error: {
          name: "AnymailAPIError",
          code: "api_error",
          retryable: false,
          requestWritten: true,
        },
      });
    } finally {
      emu.setFaults(undefined);
    }
  }

  it("Postmark: sends; the result carries the emulator's MessageID", async () => {
    const messageId = await welcome("postmark", "ana@example.org");
    const stored = postmarkEmu.emails.find((email) => email.id === messageId);
    expect(stored, `the Postmark emulator stored no email ${messageId}`).toBeDefined();
    expect(stored!.to).toEqual(["ana@example.org"]);
    expect(stored!.apiKey).toBe("postmark-edge-token");
  });

  it("Postmark: tracking webhooks with basic auth reach onTracking", async () => {
    const messageId = await welcome("postmark", "hardbounce@bounce-testing.postmarkapp.com");
    await app.logs.waitFor(
      new RegExp(
        `^tracking postmark bounced ${escapeRegExp(messageId)} hardbounce@bounce-testing\\.postmarkapp\\.com$`,
      ),
    );
  });

  it("Postmark: an inbound post reaches onInbound, which replies", async () => {
    await receiveAndAwaitReply(postmarkEmu, "Postmark order 4411");
  });

  it("Postmark: a webhook with the wrong basic auth is refused with 401", async () => {
    const response = await fetch(`${app.url}/anymail/postmark/tracking`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${btoa("hooks:wrong")}`,
      },
      body: JSON.stringify({ RecordType: "Delivery", MessageID: "forged-postmark" }),
    });
    expect(response.status).toBe(401);
    expect(app.logs.lines.filter((line) => line.includes("forged-postmark"))).toEqual([]);
  });

  it("Postmark: a response lost after the email was stored is not retried (no idempotency keys)", async () => {
    await expectLostResponseNotRetried(
      postmarkEmu,
      "POST /email",
      "postmark",
      "lost-pm@example.org",
    );
  });

  it("Mailgun: sends a multipart form; the result carries the emulator's id", async () => {
    const messageId = await welcome("mailgun", "ana@example.org");
    const stored = mailgunEmu.emails.find((email) => email.messageId === messageId);
    expect(stored, `the Mailgun emulator stored no email ${messageId}`).toBeDefined();
    expect(stored!.to).toEqual(["ana@example.org"]);
    expect(stored!.subject).toBe("Welcome!");
  });

  it("Mailgun: HMAC-signed tracking webhooks reach onTracking", async () => {
    const messageId = await welcome("mailgun", "bounced@mailgun.test");
    await app.logs.waitFor(
      new RegExp(`^tracking mailgun bounced ${escapeRegExp(messageId)} bounced@mailgun\\.test$`),
    );
  });

  it("Mailgun: a signed inbound route post reaches onInbound, which replies", async () => {
    await receiveAndAwaitReply(mailgunEmu, "Mailgun order 4411");
  });

  it("Mailgun: a response lost after the email was stored is not retried (no idempotency keys)", async () => {
    await expectLostResponseNotRetried(
      mailgunEmu,
      "POST /v3/:domain/messages",
      "mailgun",
      "lost-mg@example.org",
    );
  });

  it("Mailgun: a webhook signed with another key is refused with 401", async () => {
    const event = async (key: string, id: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const token = randomBytes(25).toString("hex");
      const body = JSON.stringify({
        signature: { timestamp, token, signature: await signMailgunWebhook(key, timestamp, token) },
        "event-data": {
          id,
          event: "delivered",
          timestamp: Number(timestamp),
          recipient: "ana@example.org",
          message: { headers: { "message-id": `${id}@mg.example.com` } },
        },
      });
      return fetch(`${app.url}/anymail/mailgun/tracking`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    };
    expect((await event("another-key", "forged-mailgun")).status).toBe(401);
    // The same event signed with the real key gets through: the 401 was the signature.
    expect((await event(signingKey, "genuine-mailgun")).status).toBe(200);
    await app.logs.waitFor(
      /^tracking mailgun delivered <genuine-mailgun@mg\.example\.com> ana@example\.org$/,
    );
    expect(app.logs.lines.filter((line) => line.includes("forged-mailgun"))).toEqual([]);
  });
}
