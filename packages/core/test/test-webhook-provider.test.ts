import { describe, expect, it } from "vitest";
import { AnymailAPIError, type RawWebhookRequest } from "../src/index.js";
import { describeWebhookConformance } from "../src/conformance.js";
import { createTestWebhookProvider } from "../src/testing.js";

const SECRET = "conformance-signing-key";
const now = () => new Date().toISOString();

const signed = createTestWebhookProvider({ secret: SECRET });

// Provider level only here: core cannot depend on @anymail/webhooks, whose tests run this
// suite again through a real handler.
describeWebhookConformance({
  name: "Test webhook provider (signed)",
  createProvider: () => createTestWebhookProvider({ secret: SECRET }),
  sign: (_kind, body) => signed.sign(body),
  fixtures: [
    {
      title: "a bounce with tags and metadata",
      kind: "tracking",
      body: JSON.stringify({
        events: [
          {
            eventType: "bounced",
            timestamp: "2026-11-20T10:15:06.318Z",
            recipient: "ana@example.org",
            messageId: "m-1",
            rejectReason: "bounced",
            tags: ["order"],
            metadata: { order: 4411 },
          },
        ],
      }),
      expect: [
        {
          eventType: "bounced",
          recipient: "ana@example.org",
          messageId: "m-1",
          rejectReason: "bounced",
          tags: ["order"],
          metadata: { order: 4411 },
          timestamp: new Date("2026-11-20T10:15:06.318Z"),
        },
      ],
    },
    {
      title: "two events in one delivery",
      kind: "tracking",
      body: JSON.stringify({
        events: [
          { eventType: "opened", timestamp: now(), userAgent: "UA" },
          { eventType: "clicked", timestamp: now(), clickUrl: "https://x.test" },
        ],
      }),
      expect: [
        { eventType: "opened", userAgent: "UA" },
        { eventType: "clicked", clickUrl: "https://x.test" },
      ],
    },
    {
      title: "an inbound message with an attachment",
      kind: "inbound",
      body: JSON.stringify({
        messages: [
          {
            from: "Ana <ana@example.org>",
            to: ["support@example.com"],
            subject: "Help",
            text: "Hello",
            attachments: [
              { filename: "a.txt", contentType: "text/plain", contentBase64: btoa("hi") },
            ],
          },
        ],
      }),
      expect: [
        {
          eventType: "inbound",
          message: expect.objectContaining({
            from: "Ana <ana@example.org>",
            subject: "Help",
            attachments: [
              expect.objectContaining({
                filename: "a.txt",
                content: new TextEncoder().encode("hi"),
              }),
            ],
          }),
        },
      ],
    },
  ],
  forgeries: [
    {
      title: "a delivery signed with another key",
      kind: "tracking",
      request: async () => {
        const body = JSON.stringify({ events: [{ eventType: "sent", timestamp: now() }] });
        return { body, headers: await signed.sign(body, { secret: "someone-else" }) };
      },
    },
    {
      title: "a signature from ten minutes ago",
      kind: "tracking",
      request: async () => {
        const body = JSON.stringify({ events: [{ eventType: "sent", timestamp: now() }] });
        return {
          body,
          headers: await signed.sign(body, { timestamp: new Date(Date.now() - 600_000) }),
        };
      },
    },
  ],
  malformed: [
    {
      title: "an unknown event type",
      kind: "tracking",
      request: async () => {
        const body = JSON.stringify({ events: [{ eventType: "exploded", timestamp: now() }] });
        return { body, headers: await signed.sign(body) };
      },
    },
    {
      title: "an inbound message without from",
      kind: "inbound",
      request: async () => {
        const body = JSON.stringify({ messages: [{ to: ["a@example.org"] }] });
        return { body, headers: await signed.sign(body) };
      },
    },
  ],
});

const unsigned = createTestWebhookProvider();
describeWebhookConformance({
  name: "Test webhook provider (unsigned, basic auth only)",
  createProvider: () => createTestWebhookProvider({ kinds: ["tracking"] }),
  sign: (_kind, body) => unsigned.sign(body),
  fixtures: [
    {
      title: "a delivered event",
      kind: "tracking",
      body: JSON.stringify({ events: [{ eventType: "delivered", timestamp: now() }] }),
      expect: [{ eventType: "delivered" }],
    },
  ],
});

function request(body: string, headers: Record<string, string>): RawWebhookRequest {
  return {
    method: "POST",
    url: "https://app.example/anymail/test/tracking",
    headers: new Headers(headers),
    body: new TextEncoder().encode(body),
  };
}

describe("createTestWebhookProvider", () => {
  const body = JSON.stringify({ events: [{ eventType: "sent", timestamp: now() }] });

  it("accepts every key of a rotation, and only those", async () => {
    const provider = createTestWebhookProvider({ secret: ["new", "old"] });
    for (const secret of ["new", "old"]) {
      const headers = await provider.sign(body, { secret });
      await expect(provider.verify("tracking", request(body, headers))).resolves.toMatchObject({
        deliveryId: headers["x-test-delivery-id"],
      });
    }
    const forged = await provider.sign(body, { secret: "older" });
    await expect(provider.verify("tracking", request(body, forged))).rejects.toMatchObject({
      code: "webhook_validation_failure",
    });
    expect(provider.calls.verify).toBe(3);
  });

  it("uses the delivery id as a single event's eventId", async () => {
    const provider = createTestWebhookProvider({ secret: "k" });
    const headers = await provider.sign(body, { deliveryId: "dlv_42" });
    const raw = request(body, headers);
    const parsed = await provider.parse("tracking", raw, await provider.verify("tracking", raw));
    expect(parsed.events[0]).toMatchObject({ eventId: "dlv_42", eventType: "sent" });
    expect(provider.calls.parse).toBe(1);
  });

  it("runs beforeParse, whose error escapes parse unchanged", async () => {
    const provider = createTestWebhookProvider({
      beforeParse: () => {
        throw new AnymailAPIError("the ESP's API is down", { statusCode: 503, retryable: true });
      },
    });
    await expect(provider.parse("tracking", request(body, {}), {})).rejects.toMatchObject({
      code: "api_error",
    });
  });

  it("is unsigned without a secret", () => {
    const provider = createTestWebhookProvider();
    expect(provider.isSigned("tracking")).toBe(false);
    expect(createTestWebhookProvider({ secret: "k" }).isSigned("inbound")).toBe(true);
  });
});
