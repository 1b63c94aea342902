import { AnymailInvalidWebhookPayload, type TrackingEvent } from "@anymail/core";
import { describe, expect, it } from "vitest";
import { resendWebhooks } from "../../src/index.js";
import { rawRequest, SECRET, signedRequest } from "./helpers.js";

const provider = resendWebhooks({ signingSecret: SECRET });

async function track(payload: unknown, id = "msg_fixed"): Promise<TrackingEvent> {
  const request = signedRequest(payload, { id });
  const verified = await provider.verify("tracking", request);
  const parsed = await provider.parse("tracking", request, verified);
  expect(parsed.kind).toBe("tracking");
  expect(parsed.events).toHaveLength(1);
  return parsed.events[0] as TrackingEvent;
}

const base = {
  email_id: "0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10",
  created_at: "2026-11-20T10:15:03.120431+00:00",
  from: "Shop Team <orders@mail.example-shop.test>",
  to: ["Ana Silva <ana@example.org>", "bo@example.org"],
  subject: "Order 4411 confirmed",
};
const envelope = (type: string, data: Record<string, unknown> = {}) => ({
  type,
  created_at: "2026-11-20T10:15:06.318Z",
  data: { ...base, ...data },
});

describe("resendWebhooks tracking mapping", () => {
  it.each([
    ["email.sent", "sent"],
    ["email.delivered", "delivered"],
    ["email.delivery_delayed", "deferred"],
    ["email.bounced", "bounced"],
    ["email.complained", "complained"],
    ["email.opened", "opened"],
    ["email.clicked", "clicked"],
    ["email.failed", "failed"],
    ["email.suppressed", "rejected"],
    ["email.scheduled", "queued"],
    ["email.something_new", "unknown"],
  ])("maps %s to %s with the common fields", async (type, eventType) => {
    const payload = envelope(type);
    const event = await track(payload, "msg_2Yk");
    expect(event).toMatchObject({
      eventType,
      eventId: "msg_2Yk",
      messageId: base.email_id,
      recipient: "ana@example.org",
      tags: [],
      metadata: {},
    });
    expect(event.timestamp.toISOString()).toBe("2026-11-20T10:15:06.318Z");
    expect(event.espEvent).toEqual(payload);
  });

  it("refuses an email.received event on the tracking URL with a 400-class error naming the inbound path", async () => {
    const error = await track(envelope("email.received")).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: "invalid_webhook_payload" });
    expect((error as Error).message).toContain(".../resend/inbound");
  });

  it("reads tags and metadata back from X-Tags / X-Metadata, case-insensitively", async () => {
    const event = await track(
      envelope("email.delivered", {
        headers: [
          { name: "x-tags", value: '["welcome","onboarding"]' },
          { name: "X-METADATA", value: '{"user_id":42,"plan":"pro"}' },
          { name: "List-Unsubscribe", value: "<mailto:u@example.org>" },
        ],
        tags: { category: "native" },
      }),
    );
    expect(event.tags).toEqual(["welcome", "onboarding"]);
    expect(event.metadata).toEqual({ user_id: 42, plan: "pro" });
  });

  it("ignores X-Tags / X-Metadata that aren't the JSON anymail sends", async () => {
    const event = await track(
      envelope("email.delivered", {
        headers: [
          { name: "X-Tags", value: "not json" },
          { name: "X-Metadata", value: "[1,2]" },
          { value: "no name" },
          null,
        ],
      }),
    );
    expect(event.tags).toEqual([]);
    expect(event.metadata).toEqual({});
  });

  it("puts the bounce message into description and rejectReason (anymail's rules)", async () => {
    const bounced = await track(
      envelope("email.bounced", {
        bounce: {
          type: "Permanent",
          subType: "General",
          message: "The recipient's email provider sent a hard bounce message.",
          diagnosticCode: ["smtp; 550 5.1.1 mailbox unavailable"],
        },
      }),
    );
    expect(bounced.description).toBe("The recipient's email provider sent a hard bounce message.");
    expect(bounced.rejectReason).toBe("bounced");
    expect(bounced.mtaResponse).toBe("smtp; 550 5.1.1 mailbox unavailable");

    const suppressed = await track(
      envelope("email.bounced", {
        bounce: { message: "Resend has suppressed sending to this address." },
      }),
    );
    expect(suppressed.rejectReason).toBe("blocked");

    const other = await track(envelope("email.bounced", { bounce: { message: "Mailbox full" } }));
    expect(other.rejectReason).toBe("other");

    const noMessage = await track(envelope("email.bounced", { bounce: { type: "Transient" } }));
    expect(noMessage.description).toBeUndefined();
    expect(noMessage.rejectReason).toBeUndefined();
  });

  it("maps clicks, failures and suppressions", async () => {
    const click = await track(
      envelope("email.clicked", {
        click: {
          ipAddress: "198.51.100.23",
          link: "https://example-shop.test/orders/4411",
          timestamp: "2026-11-20T11:03:12.701Z",
          userAgent: "Mozilla/5.0 ExampleBrowser/1.0",
        },
      }),
    );
    expect(click.clickUrl).toBe("https://example-shop.test/orders/4411");
    expect(click.userAgent).toBe("Mozilla/5.0 ExampleBrowser/1.0");

    const failed = await track(
      envelope("email.failed", { failed: { reason: "reached_daily_quota" } }),
    );
    expect(failed.description).toBe("reached_daily_quota");

    const suppressed = await track(
      envelope("email.suppressed", {
        suppressed: {
          type: "OnAccountSuppressionList",
          reason: "previous_bounce",
          message: "Address is on the account suppression list.",
        },
      }),
    );
    expect(suppressed).toMatchObject({
      eventType: "rejected",
      rejectReason: "blocked",
      description: "Address is on the account suppression list.",
    });
  });

  it("handles non-email events and odd recipients without inventing data", async () => {
    const contact = await track({
      type: "contact.created",
      created_at: "2026-11-20T12:00:00.000Z",
      data: { id: "c0ffee00", email: "ana@example.org" },
    });
    expect(contact.eventType).toBe("unknown");
    expect(contact.messageId).toBeUndefined();
    expect(contact.recipient).toBeUndefined();

    const odd = await track(envelope("email.sent", { to: ["not an address"] }));
    expect(odd.recipient).toBeUndefined();
  });

  it("falls back to the signature timestamp when created_at is missing or unparsable", async () => {
    const at = new Date("2026-11-20T10:00:00.000Z");
    const noCreatedAt = { type: "email.sent", data: base };
    const unsigned = resendWebhooks({});
    const headers = new Headers({
      "svix-id": "msg_1",
      "svix-timestamp": String(at.getTime() / 1000),
    });
    const request = rawRequest(JSON.stringify(noCreatedAt), headers);
    const parsed = await unsigned.parse("tracking", request, {});
    expect(parsed.events[0]!.timestamp.toISOString()).toBe(at.toISOString());
  });
});

describe("resendWebhooks tracking: malformed payloads become AnymailInvalidWebhookPayload", () => {
  it.each([
    ["not JSON", "this is not json"],
    ["empty body", ""],
    ["a JSON array", "[1,2,3]"],
    ["no type", JSON.stringify({ data: base })],
    [
      "null data",
      JSON.stringify({ type: "email.sent", created_at: "2026-11-20T10:15:06Z", data: null }),
    ],
    ["null bounce", JSON.stringify(envelope("email.bounced", { bounce: null }))],
    ["null click", JSON.stringify(envelope("email.clicked", { click: null }))],
    ["string failed", JSON.stringify(envelope("email.failed", { failed: "quota" }))],
  ])("%s", async (_name, body) => {
    const request = signedRequest(body);
    const verified = await provider.verify("tracking", request);
    await expect(provider.parse("tracking", request, verified)).rejects.toBeInstanceOf(
      AnymailInvalidWebhookPayload,
    );
  });

  it("non-UTF-8 bytes", async () => {
    const unsigned = resendWebhooks({});
    const request = rawRequest(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), new Headers());
    await expect(unsigned.parse("tracking", request, {})).rejects.toThrow(/not UTF-8/);
  });
});
