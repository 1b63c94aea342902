import { describeWebhookConformance } from "@anymail/core/conformance";
import { startResendEmulator } from "@anymail/emulator";
import { createWebhookHandler } from "@anymail/webhooks";
import { afterAll, expect } from "vitest";
import { resendWebhooks } from "../../src/index.js";
import { OTHER_SECRET, SECRET, signedHeaders } from "./helpers.js";

// resendWebhooks() against the webhook half of the provider contract, end to end through
// @anymail/webhooks. Inbound completes the email from the emulator's API.
const emu = await startResendEmulator({ port: 0, rateLimit: false });
afterAll(() => emu.close());
const inboundEmail = await emu.receive({
  from: "Ana Silva <ana@example.org>",
  to: ["support@quiet-otter.resend.app"],
  subject: "Where is my parcel?",
  text: "Order 4411",
});

const headersOf = (body: string | Uint8Array, options: { secret?: string; at?: Date } = {}) =>
  Object.fromEntries(
    signedHeaders(typeof body === "string" ? body : new TextDecoder().decode(body), options),
  );

const delivered = {
  type: "email.delivered",
  created_at: "2026-11-20T10:15:06.318Z",
  data: {
    email_id: "0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10",
    created_at: "2026-11-20T10:15:03.120431+00:00",
    from: "Shop <orders@example-shop.test>",
    to: ["Ana <ana@example.org>"],
    subject: "Order 4411",
    headers: [{ name: "X-Tags", value: '["order"]' }],
  },
};

describeWebhookConformance({
  name: "resendWebhooks",
  createProvider: () =>
    resendWebhooks({
      signingSecret: SECRET,
      inboundSecret: SECRET,
      apiKey: "re_conformance",
      apiUrl: emu.url,
    }),
  sign: (_kind, body) => headersOf(body),
  fixtures: [
    {
      title: "a delivered event (svix-signed)",
      kind: "tracking",
      body: JSON.stringify(delivered),
      expect: [
        {
          eventType: "delivered",
          messageId: "0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10",
          recipient: "ana@example.org",
          tags: ["order"],
        },
      ],
    },
    {
      title: "an email.received event, completed from the API",
      kind: "inbound",
      body: JSON.stringify({
        type: "email.received",
        created_at: "2026-11-20T13:30:01.120Z",
        data: {
          email_id: inboundEmail.id,
          from: "ana@example.org",
          to: ["support@quiet-otter.resend.app"],
        },
      }),
      expect: [
        {
          eventType: "inbound",
          message: expect.objectContaining({ subject: "Where is my parcel?" }),
        },
      ],
    },
  ],
  forgeries: [
    {
      title: "a delivery signed with another secret",
      kind: "tracking",
      request: () => {
        const body = JSON.stringify(delivered);
        return { body, headers: headersOf(body, { secret: OTHER_SECRET }) };
      },
    },
    {
      title: "a signature older than svix's five-minute tolerance",
      kind: "tracking",
      request: () => {
        const body = JSON.stringify(delivered);
        return { body, headers: headersOf(body, { at: new Date(Date.now() - 600_000) }) };
      },
    },
  ],
  createHandler: createWebhookHandler,
});
