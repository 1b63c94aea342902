// The Resend recipe's scenario, the same in every runtime: the recipe runs in the runtime,
// the Resend emulator here in Node on 127.0.0.1, and they talk over real HTTP both ways.
import { randomBytes } from "node:crypto";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { Webhook } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeForRuntime } from "./describe-runtime.js";
import type { Availability, RuntimeName } from "./runtimes.js";
import type { RunningApp } from "./server-process.js";

/** What the recipes read: Worker bindings, or environment variables for Deno and Bun. */
export interface AppEnv {
  RESEND_API_KEY: string;
  RESEND_API_URL: string;
  RESEND_SIGNING_SECRET: string;
  RESEND_INBOUND_SECRET: string;
}

export type StartApp = (env: AppEnv) => Promise<RunningApp>;

const TRACKING_EVENTS = [
  "email.sent",
  "email.delivered",
  "email.bounced",
  "email.complained",
  "email.opened",
  "email.clicked",
];

function svixSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** A Resend tracking payload as Resend would post it, signed with `secret`. */
function signedTrackingDelivery(secret: string, emailId: string, svixId: string) {
  const body = JSON.stringify({
    type: "email.delivered",
    created_at: new Date().toISOString(),
    data: {
      email_id: emailId,
      from: "Shop <shop@example.com>",
      to: ["ana@example.org"],
      subject: "Welcome!",
      created_at: new Date().toISOString(),
    },
  });
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(svixId, timestamp, body);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "svix-id": svixId,
      "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "svix-signature": signature,
    },
  };
}

/**
 * Declares the Resend recipe's tests in a runtime. `availability` comes from probing the
 * binary before collection: when it can't start, CI fails and a local run shows the skip
 * with the reason.
 */
export function describeRuntime(
  name: RuntimeName,
  availability: Availability,
  start: StartApp,
): void {
  describeForRuntime("Resend recipe", name, availability, () => scenario(start));
}

function scenario(start: StartApp): void {
  const env: Omit<AppEnv, "RESEND_API_URL"> = {
    RESEND_API_KEY: "re_edge_test_key",
    RESEND_SIGNING_SECRET: svixSecret(),
    RESEND_INBOUND_SECRET: svixSecret(),
  };
  let emu: Emulator;
  let app: RunningApp;

  beforeAll(async () => {
    emu = await startEmulator({ provider: "resend", rateLimit: false, deliveryDelayMs: 5 });
    app = await start({ ...env, RESEND_API_URL: emu.url });
    emu.addWebhook({
      url: `${app.url}/anymail/resend/tracking`,
      secret: env.RESEND_SIGNING_SECRET,
      events: TRACKING_EVENTS,
    });
    emu.addWebhook({
      url: `${app.url}/anymail/resend/inbound`,
      secret: env.RESEND_INBOUND_SECRET,
      events: ["email.received"],
    });
  });

  afterAll(async () => {
    await app?.close();
    await emu?.close();
  });

  async function welcome(email: string): Promise<string> {
    const response = await fetch(`${app.url}/welcome`, {
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
    expect(messageId, text).toMatch(/^[\w-]+$/);
    return messageId!;
  }

  it("sends through createMailer + resend() over HTTP; the result carries the emulator's id", async () => {
    const messageId = await welcome("ana@example.org");
    const stored = emu.emails.find((email) => email.id === messageId);
    expect(stored, `the emulator stored no email ${messageId}`).toBeDefined();
    expect(stored!.to).toEqual(["ana@example.org"]);
    expect(stored!.from).toBe("Shop <shop@example.com>");
    expect(stored!.subject).toBe("Welcome!");
    expect(stored!.apiKey).toBe(env.RESEND_API_KEY);
    expect(stored!.idempotencyKey, "core sends an idempotency key").toBeTruthy();
  });

  it("a response lost after Resend stored the email: the retry reuses the idempotency key, one email", async () => {
    emu.setFaults({ "POST /emails": { dropResponseRate: 1, maxFaults: 1 } });
    try {
      const messageId = await welcome("carl@example.org");
      const stored = emu.emails.filter((email) => email.to.includes("carl@example.org"));
      expect(stored.map((email) => email.id)).toEqual([messageId]);
    } finally {
      emu.setFaults(undefined);
    }
  });

  it("verifies svix-signed tracking webhooks and hands onTracking the normalized events", async () => {
    const messageId = await welcome("bounced@resend.dev");
    await app.logs.waitFor(new RegExp(`^tracking sent ${messageId} bounced@resend\\.dev$`));
    await app.logs.waitFor(new RegExp(`^tracking bounced ${messageId} bounced@resend\\.dev$`));
    await emu.waitForDeliveries(undefined, { timeoutMs: 10_000 });
    const attempts = emu.deliveries.filter((d) => d.emailId === messageId);
    expect(attempts.map((d) => [d.eventType, d.status])).toEqual([
      ["email.sent", 200],
      ["email.bounced", 200],
    ]);
  });

  it("handles an inbound email.received: downloads the message from the API, onInbound replies", async () => {
    await emu.receive({
      from: "Bea <bea@example.org>",
      to: "support@example.com",
      subject: "Order 4411",
      text: "Where is my parcel?",
      attachments: [{ filename: "receipt.txt", content: "paid", contentType: "text/plain" }],
    });
    // The reply is stored while the webhook request is still open: wait for its answer too.
    await emu.waitForDeliveries(
      (deliveries) =>
        deliveries.some((d) => d.eventType === "email.received") &&
        emu.emails.some((email) => email.subject === "Re: Order 4411"),
      { timeoutMs: 10_000 },
    );
    const reply = emu.emails.find((email) => email.subject === "Re: Order 4411")!;
    expect(reply.to).toEqual(["Bea <bea@example.org>"]);
    // The text comes from the MIME message downloaded from the received-email API, not the
    // metadata-only notification.
    expect(reply.text).toContain("Where is my parcel?");
    const inbound = emu.deliveries.filter((d) => d.eventType === "email.received");
    expect(inbound.map((d) => d.status)).toEqual([200]);
  });

  it("refuses forged webhooks with 401 and never calls the handler", async () => {
    const forged = signedTrackingDelivery(svixSecret(), "forged-email", "msg_forged");
    const tracking = await fetch(`${app.url}/anymail/resend/tracking`, {
      method: "POST",
      headers: forged.headers,
      body: forged.body,
    });
    expect(tracking.status).toBe(401);
    const inbound = await fetch(`${app.url}/anymail/resend/inbound`, {
      method: "POST",
      headers: forged.headers,
      body: forged.body.replace("email.delivered", "email.received"),
    });
    expect(inbound.status).toBe(401);

    // The same event signed with the real secret gets through: the 401 was the signature.
    const genuine = signedTrackingDelivery(env.RESEND_SIGNING_SECRET, "genuine-email", "msg_ok");
    const accepted = await fetch(`${app.url}/anymail/resend/tracking`, {
      method: "POST",
      headers: genuine.headers,
      body: genuine.body,
    });
    expect(accepted.status).toBe(200);
    await app.logs.waitFor(/^tracking delivered genuine-email ana@example\.org$/);
    expect(app.logs.lines.filter((line) => line.includes("forged-email"))).toEqual([]);
  });
}
