import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { InboundEvent, TrackingEvent } from "@anymail/core";
import { resendWebhooks } from "../../src/index.js";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import express, { type Express } from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookHandlerOptions } from "@anymail/webhooks";
import { anymailExpress } from "@anymail/webhooks/express";
import { anymailFastify } from "@anymail/webhooks/fastify";

// The Resend event-mapping oracle end to end: the emulator sends, signs (svix) and
// delivers every event type to @anymail/webhooks' Express and Fastify adapters.
const SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const INBOUND_SECRET = "whsec_dGhpcyBpcyBhIGRpZmZlcmVudCBrZXkhIQ==";

/** Listens on 127.0.0.1 with a free port; resolves to the base URL and a closer. */
async function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, "127.0.0.1", () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Recorded {
  tracking: TrackingEvent[];
  inbound: InboundEvent[];
  failuresLeft: number;
}

type Start = (
  options: WebhookHandlerOptions,
) => Promise<{ url: string; close: () => Promise<void> }>;

/** The common mistake: a global JSON parser ahead of anymail. */
const startExpressJsonFirst: Start = async (options) => {
  const app = express();
  app.use(express.json());
  app.use("/anymail", anymailExpress(options));
  return listen(app);
};

const startExpressBeforeJson: Start = async (options) => {
  const app = express();
  app.use("/anymail", anymailExpress(options));
  app.use(express.json());
  return listen(app);
};

const startFastify: Start = async (options) => {
  const app = Fastify();
  await app.register(anymailFastify, { prefix: "/anymail", ...options });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
};

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 8, 7]);

describe.each([
  ["Express (anymail before express.json())", startExpressBeforeJson],
  ["Fastify", startFastify],
] as const)("%s receiving the emulator's signed deliveries", (_name, start) => {
  const recorded: Recorded = { tracking: [], inbound: [], failuresLeft: 0 };
  let emu: ResendEmulator;
  let app: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    emu = await startResendEmulator({
      port: 0,
      rateLimit: false,
      webhookRetryScheduleMs: [0, 10, 20],
    });
    app = await start({
      providers: [
        resendWebhooks({
          signingSecret: SIGNING_SECRET,
          inboundSecret: INBOUND_SECRET,
          apiKey: "re_webhook_test",
          apiUrl: emu.url,
        }),
      ],
      logger: () => {},
      onTracking: async (event) => {
        if (recorded.failuresLeft > 0) {
          recorded.failuresLeft--;
          throw new Error("temporarily unavailable");
        }
        recorded.tracking.push(event);
      },
      onInbound: async (event) => {
        recorded.inbound.push(event);
      },
    });
    emu.addWebhook({
      url: `${app.url}/anymail/resend/tracking`,
      secret: SIGNING_SECRET,
      events: TRACKING_TYPES,
    });
    emu.addWebhook({
      url: `${app.url}/anymail/resend/inbound`,
      secret: INBOUND_SECRET,
      events: ["email.received"],
    });
  });
  afterAll(async () => {
    await emu.close();
    await app.close();
  });

  async function sendEmail(to: string): Promise<string> {
    const response = await fetch(`${emu.url}/emails`, {
      method: "POST",
      headers: {
        authorization: "Bearer re_webhook_test",
        "content-type": "application/json",
        "user-agent": "test",
      },
      body: JSON.stringify({
        from: "Shop <shop@example-shop.test>",
        to: [to],
        subject: "Welcome",
        text: "Hi",
        headers: { "X-Tags": '["welcome","onboarding"]', "X-Metadata": '{"user_id":7}' },
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { id: string }).id;
  }

  it("normalizes every Resend event type", async () => {
    const id = await sendEmail("Ana <delivered@resend.dev>");
    await emu.waitForDeliveries();
    for (const type of TRACKING_TYPES.filter(
      (t) => t !== "email.sent" && t !== "email.delivered",
    )) {
      await emu.emit(id, type);
    }
    await emu.waitForDeliveries();
    expect(emu.deliveries.every((d) => d.ok)).toBe(true);

    const byType = new Map(
      recorded.tracking
        .filter((e) => e.messageId === id)
        .map((e) => [(e.espEvent as { type: string }).type, e]),
    );
    expect([...byType.keys()].sort()).toEqual([...TRACKING_TYPES].sort());
    for (const [type, eventType] of Object.entries(EXPECTED_TYPES)) {
      const event = byType.get(type)!;
      expect(event.eventType, type).toBe(eventType);
      expect(event.recipient).toBe("delivered@resend.dev");
      expect(event.tags).toEqual(["welcome", "onboarding"]);
      expect(event.metadata).toEqual({ user_id: 7 });
      expect(event.eventId).toBe(
        emu.events.find((e) => e.emailId === id && e.type === type)!.svixId,
      );
      expect(event.timestamp).toBeInstanceOf(Date);
    }
    expect(byType.get("email.bounced")).toMatchObject({
      rejectReason: "bounced",
      mtaResponse: expect.stringContaining("550"),
    });
    expect(byType.get("email.bounced")!.description).toMatch(/hard bounce message/);
    expect(byType.get("email.clicked")).toMatchObject({
      clickUrl: "https://example.com/",
      userAgent: expect.stringContaining("ResendEmulator"),
    });
    expect(byType.get("email.failed")!.description).toBe("reached_daily_quota");
    expect(byType.get("email.suppressed")).toMatchObject({
      rejectReason: "blocked",
      description: expect.stringContaining("suppression list"),
    });
  });

  it("answers 500 when the handler throws, and the emulator's retry is processed once", async () => {
    recorded.failuresLeft = 1;
    const before = recorded.tracking.length;
    const id = await sendEmail("solo@example.org");
    await emu.waitForDeliveries();
    const sent = emu.deliveries.filter((d) => d.emailId === id && d.eventType === "email.sent");
    expect(sent.map((d) => d.status)).toEqual([500, 200]);
    expect(new Set(sent.map((d) => d.svixId)).size).toBe(1);
    const handled = recorded.tracking.slice(before).filter((e) => e.messageId === id);
    expect(handled.filter((e) => e.eventType === "sent")).toHaveLength(1);
  });

  it("completes inbound mail: text, html, attachment and inline image", async () => {
    const email = await emu.receive({
      from: "Ana Silva <ana@example.org>",
      to: ["support@quiet-otter.resend.app"],
      subject: "Photo of the parcel",
      text: "See the photo.",
      html: '<p>See <img src="cid:parcel"></p>',
      attachments: [
        { filename: "notes.txt", content: "dented box", contentType: "text/plain" },
        { filename: "parcel.png", content: PNG, contentType: "image/png", contentId: "parcel" },
      ],
    });
    await emu.waitForDeliveries();
    const event = recorded.inbound.find(
      (e) => (e.espEvent as { data: { email_id: string } }).data.email_id === email.id,
    )!;
    expect(event).toBeDefined();
    expect(event.message).toMatchObject({
      from: "Ana Silva <ana@example.org>",
      subject: "Photo of the parcel",
    });
    expect(event.message.to).toEqual(["support@quiet-otter.resend.app"]);
    expect(event.message.text?.trim()).toBe("See the photo.");
    expect(event.message.html).toContain("cid:parcel");
    const notes = event.message.attachments.find((a) => a.filename === "notes.txt")!;
    expect(new TextDecoder().decode(notes.content)).toBe("dented box");
    expect(notes.inline).toBe(false);
    const parcel = event.message.attachments.find((a) => a.filename === "parcel.png")!;
    expect(parcel).toMatchObject({ inline: true, contentId: "parcel", contentType: "image/png" });
    expect(parcel.content).toEqual(PNG);
    expect(event.message.raw?.byteLength).toBe(email.raw.byteLength);
  });
});

describe("Express with express.json() mounted first, fed by the emulator", () => {
  it("refuses (500) rather than verifying re-serialized JSON; the emulator keeps retrying", async () => {
    const app = await startExpressJsonFirst({
      providers: [resendWebhooks({ signingSecret: SIGNING_SECRET })],
      onTracking: () => {},
      logger: () => {},
    });
    const emu = await startResendEmulator({
      port: 0,
      rateLimit: false,
      webhookRetryScheduleMs: [0, 10],
      webhooks: [
        {
          url: `${app.url}/anymail/resend/tracking`,
          secret: SIGNING_SECRET,
          events: ["email.sent"],
        },
      ],
    });
    try {
      const response = await fetch(`${emu.url}/emails`, {
        method: "POST",
        headers: {
          authorization: "Bearer re_x",
          "content-type": "application/json",
          "user-agent": "test",
        },
        body: JSON.stringify({
          from: "a@example-shop.test",
          to: ["b@example.org"],
          subject: "s",
          text: "t",
        }),
      });
      expect(response.status).toBe(200);
      await emu.waitForDeliveries();
      expect(emu.deliveries.map((d) => d.status)).toEqual([500, 500]);
    } finally {
      await emu.close();
      await app.close();
    }
  });
});

const EXPECTED_TYPES: Record<string, TrackingEvent["eventType"]> = {
  "email.sent": "sent",
  "email.delivered": "delivered",
  "email.delivery_delayed": "deferred",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.opened": "opened",
  "email.clicked": "clicked",
  "email.failed": "failed",
  "email.suppressed": "rejected",
  "email.scheduled": "queued",
};
const TRACKING_TYPES = Object.keys(EXPECTED_TYPES);
