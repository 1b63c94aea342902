import { createHmac, randomUUID } from "node:crypto";
import { createTestWebhookProvider, type TestWebhookProvider } from "@anymail/core/testing";

// The neutral test ESP of @anymail/core/testing. The headers below are signed here with
// node:crypto, independently of the provider's own Web Crypto code, the way that ESP signs:
// HMAC-SHA256 over "<delivery id>.<unix seconds>.<body>", hex, in `x-test-signature: v1=`.
export const SIGNING_SECRET = "test-signing-key-5f0c8a1e9b";
export const WRONG_SECRET = "someone-elses-key-77d2";

/** The webhook provider every adapter test serves, at `/anymail/test/<kind>`; `null`: unsigned. */
export function testProvider(secret: string | null = SIGNING_SECRET): TestWebhookProvider {
  return createTestWebhookProvider(secret === null ? {} : { secret });
}

export const nextId = () => `dlv_${randomUUID()}`;

/** Headers the test ESP would send with `body`. */
export function signHeaders(
  body: string | Uint8Array,
  options: { secret?: string; id?: string; at?: Date } = {},
): Record<string, string> {
  const id = options.id ?? nextId();
  const seconds = String(Math.floor((options.at ?? new Date()).getTime() / 1000));
  const signature = createHmac("sha256", options.secret ?? SIGNING_SECRET)
    .update(`${id}.${seconds}.`)
    .update(body)
    .digest("hex");
  return {
    "content-type": "application/json",
    "x-test-delivery-id": id,
    "x-test-timestamp": seconds,
    "x-test-signature": `v1=${signature}`,
  };
}

export const basic = (credentials: string) =>
  `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;

/** A tracking delivery with one event; `fields` override the event's. */
export function trackingPayload(eventType = "delivered", fields: Record<string, unknown> = {}) {
  return {
    events: [
      {
        eventType,
        timestamp: "2026-11-20T10:15:06.318Z",
        messageId: "0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10",
        recipient: "ana@example.org",
        tags: ["order"],
        metadata: { order: 4411 },
        ...fields,
      },
    ],
  };
}

/** An inbound delivery with one message. */
export function inboundPayload(fields: Record<string, unknown> = {}) {
  return {
    messages: [
      {
        from: "Ana <ana@example.org>",
        to: ["support@example.com"],
        subject: "Order 4411",
        text: "Where is my parcel?",
        ...fields,
      },
    ],
  };
}
