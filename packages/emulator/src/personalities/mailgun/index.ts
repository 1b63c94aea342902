import { randomBytes } from "node:crypto";
import type { Personality } from "../personality.js";
import { authenticate } from "./auth.js";
import { sharedError } from "./errors.js";
import { eventData, type MailgunPayload, mailgunEventType } from "./event-payloads.js";
import { sendMessage, sendMime } from "./send.js";
import { signingKey, webhookRequest } from "./webhook-request.js";

export type { MailgunPayload } from "./event-payloads.js";

/** Test recipients at `mailgun.test` (a `+label` is ignored), like Resend's `@resend.dev` ones. */
function testOutcome(address: string) {
  const match = /^([a-z]+)(?:\+[^@]*)?@mailgun\.test$/i.exec(address);
  switch (match?.[1]?.toLowerCase()) {
    case "bounced":
      return "bounced" as const;
    case "complained":
      return "complained" as const;
    case "suppressed":
      return "suppressed" as const;
    case "delivered":
      return "delivered" as const;
    default:
      return null;
  }
}

/**
 * The Mailgun personality: `POST /v3/{domain}/messages` (+ `messages.mime`) as multipart or
 * urlencoded forms with basic auth `api:<key>`, Mailgun's `{ message }` errors, batch sends
 * through `recipient-variables`, HMAC-signed JSON webhooks, and inbound route posts.
 */
export const mailgunPersonality: Personality<MailgunPayload> = {
  name: "mailgun",
  title: "Mailgun",
  routes: [
    ["/v3/:domain/messages", { POST: sendMessage }],
    ["/v3/:domain/messages.mime", { POST: sendMime }],
  ],
  authenticate,
  error: sharedError,
  messageId: (id) => `<${id}@emulator.mailgun.test>`,
  testOutcome,
  // What @anymail/mailgun reads; mailgun.js takes the URL as its `url` option.
  env: (url, apiKey) => ({
    ANYMAIL_MAILGUN_API_URL: `${url}/v3`,
    ANYMAIL_MAILGUN_API_KEY: apiKey ?? "key-emulator",
    MAILGUN_URL: url,
  }),
  // What mailgunWebhooks() reads to verify the signatures this endpoint gets.
  webhookEnv: (endpoint) => ({ ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY: endpoint.secret }),
  webhooks: {
    secret: (configured) => signingKey(configured),
    eventType: mailgunEventType,
    eventId: () => randomBytes(16).toString("base64url"),
    payload: (kind, _type, email, now, extra) => ({
      kind: "event",
      eventData: eventData(kind, email, now, extra),
    }),
    inboundPayload: (email) => ({ kind: "inbound", email }),
    request: (endpoint, event) => webhookRequest(endpoint, event),
  },
  secretPatterns: [/\bkey-[A-Za-z0-9]+/g],
};
