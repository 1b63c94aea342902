// End to end: @anymail/postmark against the emulator's Postmark personality over real HTTP,
// webhooks delivered back to a real anymail webhook handler with basic auth.
import {
  AnymailAPIError,
  AnymailRecipientsRefused,
  createMailer,
  inlineImage,
  type Mailer,
} from "@anymail/core";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postmark } from "../src/index.js";
import { startWebhookServer } from "./support/webhook-server.js";

const TRACKING_EVENTS = [
  "Delivery",
  "Bounce",
  "SpamComplaint",
  "Open",
  "Click",
  "SubscriptionChange",
];

let emu: Emulator;
let hooks: Awaited<ReturnType<typeof startWebhookServer>>;
let mailer: Mailer;

beforeAll(async () => {
  hooks = await startWebhookServer();
  emu = await startEmulator({
    provider: "postmark",
    port: 0,
    rateLimit: false,
    deliveryDelayMs: 5,
    webhooks: [
      { url: hooks.url("tracking"), events: TRACKING_EVENTS },
      { url: hooks.url("inbound"), events: ["Inbound"] },
    ],
  });
  mailer = createMailer({
    provider: postmark({ serverToken: "server-token", apiUrl: emu.url }),
    retry: { attempts: 3, baseDelayMs: 5 },
  });
});
afterAll(async () => {
  await mailer.close();
  await emu.close();
  await hooks.close();
});

const until = async (check: () => boolean, what: string) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe("sending through the Postmark emulator", () => {
  it("sends a message the emulator stores, then delivers a Delivery webhook", async () => {
    const image = inlineImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2]), {
      filename: "logo.png",
    });
    const result = await mailer.send({
      from: "Shop <shop@example.com>",
      to: ["Ana <ana@example.org>"],
      cc: "cc@example.org",
      subject: "Your order",
      text: "Thanks",
      html: `<img src="cid:${image.cid}">`,
      attachments: [image.attachment, { filename: "r.txt", content: "receipt" }],
      tags: ["orders"],
      metadata: { order: 4411 },
      headers: { "X-Order": "4411" },
      trackOpens: true,
      trackClicks: true,
    });
    expect(result.status).toEqual(new Set(["sent"]));
    const id = result.messageId!;
    expect(result.recipients).toEqual({
      "ana@example.org": { status: "sent", messageId: id },
      "cc@example.org": { status: "sent", messageId: id },
    });

    const stored = emu.emails.find((email) => email.id === id)!;
    expect(stored.provider).toBe("postmark");
    expect(stored.from).toBe("Shop <shop@example.com>");
    expect(stored.to).toEqual(["Ana <ana@example.org>"]);
    expect(stored.tags).toEqual(["orders"]);
    expect(stored.metadata).toEqual({ order: "4411" });
    expect(stored.headers).toEqual({ "X-Order": "4411" });
    expect(stored.attachments.map((a) => [a.filename, a.contentId])).toEqual([
      ["logo.png", image.cid],
      ["r.txt", null],
    ]);
    expect(stored.request.TrackLinks).toBe("HtmlAndText");

    await until(() => hooks.tracking.some((e) => e.messageId === id), "the Delivery webhook");
    const delivered = hooks.tracking.find((e) => e.messageId === id)!;
    expect(delivered.eventType).toBe("delivered");
    expect(delivered.recipient).toBe("ana@example.org");
    expect(delivered.tags).toEqual(["orders"]);
    expect(delivered.metadata).toEqual({ order: "4411" });
  });

  it("reports Postmark's bounce-testing addresses as bounced and complained", async () => {
    const bounce = await mailer.send({
      from: "shop@example.com",
      to: "hardbounce@bounce-testing.postmarkapp.com",
      subject: "s",
      text: "t",
    });
    const complaint = await mailer.send({
      from: "shop@example.com",
      to: "spamcomplaint@bounce-testing.postmarkapp.com",
      subject: "s",
      text: "t",
    });
    await until(
      () =>
        hooks.tracking.some((e) => e.messageId === bounce.messageId && e.eventType === "bounced") &&
        hooks.tracking.some(
          (e) => e.messageId === complaint.messageId && e.eventType === "complained",
        ),
      "bounce and complaint webhooks",
    );
    const bounced = hooks.tracking.find((e) => e.messageId === bounce.messageId)!;
    expect(bounced.rejectReason).toBe("bounced");
    expect(bounced.recipient).toBe("hardbounce@bounce-testing.postmarkapp.com");
    expect(bounced.mtaResponse).toContain("550");
    const complained = hooks.tracking.find(
      (e) => e.messageId === complaint.messageId && e.eventType === "complained",
    )!;
    expect(complained.rejectReason).toBe("spam");
  });

  it("delivers Open and Click events emitted for a sent message", async () => {
    const result = await mailer.send({
      from: "shop@example.com",
      to: "o@example.org",
      subject: "s",
      html: "<a href='https://example.com/'>x</a>",
    });
    await emu.emit(result.messageId!, "Open");
    await emu.emit(result.messageId!, "Click", { OriginalLink: "https://example.com/offer" });
    await until(
      () => hooks.tracking.filter((e) => e.messageId === result.messageId).length >= 3,
      "open and click webhooks",
    );
    const events = hooks.tracking.filter((e) => e.messageId === result.messageId);
    expect(events.map((e) => e.eventType).sort()).toEqual(["clicked", "delivered", "opened"]);
    expect(events.find((e) => e.eventType === "clicked")!.clickUrl).toBe(
      "https://example.com/offer",
    );
  });

  it("sends a template batch with per-recipient results and merge data", async () => {
    const result = await mailer.send({
      from: "shop@example.com",
      to: ["alice@example.com", "Bob <bob@example.com>"],
      templateId: "order-shipped",
      mergeData: { "alice@example.com": { name: "Alice" }, "bob@example.com": { name: "Bob" } },
      mergeGlobalData: { site: "Shop" },
    });
    const alice = result.recipients["alice@example.com"]!;
    const bob = result.recipients["bob@example.com"]!;
    expect(alice.status).toBe("sent");
    expect(bob.status).toBe("sent");
    expect(alice.messageId).not.toBe(bob.messageId);
    const stored = emu.emails.find((email) => email.id === bob.messageId)!;
    expect(stored.batch).toBe(true);
    expect(stored.template).toEqual({
      id: "order-shipped",
      variables: { site: "Shop", name: "Bob" },
    });
    expect(stored.to).toEqual(["Bob <bob@example.com>"]);
  });

  it("maps inactive recipients: all inactive is refused, some inactive is partly rejected", async () => {
    const error = await mailer
      .send({
        from: "shop@example.com",
        to: "inactive@bounce-testing.postmarkapp.com",
        subject: "s",
        text: "t",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnymailRecipientsRefused);

    const result = await mailer.send({
      from: "shop@example.com",
      to: ["Inactive@bounce-testing.postmarkapp.com", "ok@example.org"],
      subject: "s",
      text: "t",
    });
    expect(result.recipients["Inactive@bounce-testing.postmarkapp.com"]).toEqual({
      status: "rejected",
    });
    expect(result.recipients["ok@example.org"]?.status).toBe("sent");
  });

  it("answers a bad token with ErrorCode 10 (not retried)", async () => {
    const strict = await startEmulator({
      provider: "postmark",
      port: 0,
      rateLimit: false,
      apiKeys: ["right"],
    });
    try {
      const wrong = createMailer({
        provider: postmark({ serverToken: "wrong", apiUrl: strict.url }),
      });
      const error = (await wrong
        .send({ from: "a@example.com", to: "b@example.org", subject: "s", text: "t" })
        .catch((e: unknown) => e)) as AnymailAPIError;
      expect(error).toBeInstanceOf(AnymailAPIError);
      expect(error.statusCode).toBe(401);
      expect(error.providerCode).toBe("10");
      expect(error.retryable).toBe(false);
    } finally {
      await strict.close();
    }
  });

  it("never sends twice when the response is lost (no idempotency key)", async () => {
    emu.setFaults({ "POST /email": { dropResponseRate: 1 } });
    try {
      const before = emu.emails.length;
      const error = (await mailer
        .send({ from: "a@example.com", to: "lost@example.org", subject: "s", text: "t" })
        .catch((e: unknown) => e)) as AnymailAPIError;
      expect(error).toBeInstanceOf(AnymailAPIError);
      expect(error.retryable).toBe(false);
      // Accepted once by Postmark, and not resent although retries were allowed.
      expect(emu.emails.length - before).toBe(1);
    } finally {
      emu.setFaults(undefined);
    }
  });

  it("answers an injected 503 in Postmark's error shape: retryable, nothing stored", async () => {
    emu.setFaults({ "POST /email": { errorRate: 1, errorStatus: 503 } });
    try {
      const before = emu.emails.length;
      const once = createMailer({
        provider: postmark({ serverToken: "server-token", apiUrl: emu.url }),
        retry: false,
      });
      const error = (await once
        .send({ from: "a@example.com", to: "retry@example.org", subject: "s", text: "t" })
        .catch((e: unknown) => e)) as AnymailAPIError;
      expect(error.statusCode).toBe(503);
      expect(error.retryable).toBe(true);
      expect(emu.emails.length).toBe(before);
    } finally {
      emu.setFaults(undefined);
    }
  });
});

describe("inbound through the Postmark emulator", () => {
  it("delivers inbound mail with RawEmail, parsed from the MIME", async () => {
    const received = await emu.receive({
      from: "Ana <ana@example.org>",
      to: "support@inbound.example.com",
      subject: "Help",
      text: "Where is my order?",
      attachments: [
        { filename: "photo.png", content: new Uint8Array([1, 2, 3]), contentType: "image/png" },
      ],
    });
    await until(() => hooks.inbound.some((e) => e.eventId === received.id), "the inbound webhook");
    const event = hooks.inbound.find((e) => e.eventId === received.id)!;
    expect(event.message.fromAddress?.addrSpec).toBe("ana@example.org");
    expect(event.message.to).toEqual(["support@inbound.example.com"]);
    expect(event.message.subject).toBe("Help");
    expect(event.message.text?.trim()).toBe("Where is my order?");
    expect(event.message.raw).toBeDefined();
    expect(event.message.envelopeSender).toBe("ana@example.org");
    expect(event.message.attachments[0]?.filename).toBe("photo.png");
    expect(event.message.attachments[0]?.content).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("delivers the JSON-only form (no RawEmail) with decoded attachments", async () => {
    const received = await emu.receive({
      from: "bob@example.org",
      to: "support@inbound.example.com",
      subject: "Fields",
      text: "plain",
      attachments: [{ filename: "a.txt", content: "attached", contentType: "text/plain" }],
    });
    await until(
      () => hooks.inbound.some((e) => e.eventId === received.id),
      "the first inbound webhook",
    );
    hooks.inbound.length = 0;
    // The same email again, as a server without "Include raw email content" posts it.
    await emu.emit(received.id, "Inbound", { RawEmail: null, MessageID: `${received.id}-json` });
    await until(() => hooks.inbound.length > 0, "the JSON inbound webhook");
    const message = hooks.inbound[0]!.message;
    expect(message.raw).toBeUndefined();
    expect(message.from).toBe("bob@example.org");
    expect(message.subject).toBe("Fields");
    expect(new TextDecoder().decode(message.attachments[0]!.content)).toBe("attached");
  });
});
