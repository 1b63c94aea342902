import { describeWebhookConformance } from "@anymail/core/conformance";
import { createWebhookHandler } from "@anymail/webhooks";
import { expect } from "vitest";
import { __name__Webhooks, sign__Name__Webhook } from "../src/index.js";

const SECRET = "__name__-test-signing-secret";
let deliveries = 0;
const sign = (body: string | Uint8Array, options: { secret?: string; timestamp?: Date } = {}) =>
  sign__Name__Webhook(body, options.secret ?? SECRET, {
    deliveryId: `dlv_${++deliveries}`,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });

const bounced = JSON.stringify({
  id: "evt_1",
  type: "bounced",
  created_at: "2026-11-20T10:15:06.318Z",
  message_id: "msg_1",
  recipient: "ana@example.org",
  reason: "mailbox does not exist",
  smtp_response: "550 5.1.1 unknown user",
  tags: ["order"],
  metadata: { order: 4411 },
});

// The webhook half of the provider contract, through @anymail/webhooks' real handler. Replace
// the fixtures with captured deliveries of your ESP (and its forgeries) when you port it.
describeWebhookConformance({
  name: "__name__Webhooks",
  createProvider: () => __name__Webhooks({ signingSecret: SECRET }),
  sign: (_kind, body) => sign(body),
  fixtures: [
    {
      title: "a bounce",
      kind: "tracking",
      body: bounced,
      expect: [
        {
          eventType: "bounced",
          eventId: "evt_1",
          messageId: "msg_1",
          recipient: "ana@example.org",
          rejectReason: "bounced",
          mtaResponse: "550 5.1.1 unknown user",
          tags: ["order"],
          metadata: { order: 4411 },
        },
      ],
    },
    {
      title: "an event type anymail does not know",
      kind: "tracking",
      body: JSON.stringify({ type: "list_cleaned", created_at: "2026-11-20T10:15:06Z" }),
      expect: [{ eventType: "unknown" }],
    },
    {
      title: "an inbound message with an inline image",
      kind: "inbound",
      body: JSON.stringify({
        id: "in_1",
        type: "inbound",
        created_at: "2026-11-20T13:30:01Z",
        message: {
          from: "Ana <ana@example.org>",
          to: ["support@example.com"],
          subject: "Photo",
          text: "See the photo",
          attachments: [
            {
              filename: "p.png",
              content_type: "image/png",
              content: btoa("png"),
              content_id: "p1",
            },
          ],
        },
      }),
      expect: [
        {
          eventType: "inbound",
          eventId: "in_1",
          message: expect.objectContaining({
            subject: "Photo",
            attachments: [expect.objectContaining({ inline: true, contentId: "p1" })],
          }),
        },
      ],
    },
  ],
  forgeries: [
    {
      title: "a delivery signed with another secret",
      kind: "tracking",
      request: async () => ({ body: bounced, headers: await sign(bounced, { secret: "not-it" }) }),
    },
    {
      title: "a signature from ten minutes ago (a replayed capture)",
      kind: "tracking",
      request: async () => ({
        body: bounced,
        headers: await sign(bounced, { timestamp: new Date(Date.now() - 600_000) }),
      }),
    },
  ],
  malformed: [
    {
      title: "an inbound delivery without a message",
      kind: "inbound",
      request: async () => {
        const body = JSON.stringify({ type: "inbound", created_at: "2026-11-20T13:30:01Z" });
        return { body, headers: await sign(body) };
      },
    },
  ],
  createHandler: createWebhookHandler,
});
