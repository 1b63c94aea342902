import type { OutgoingWebhook, Personality } from "../personality.js";
import { postmarkError } from "./api-error.js";
import { authenticate } from "./auth.js";
import {
  inboundPayload,
  outboundPayload,
  type PostmarkPayload,
  recordType,
} from "./event-payloads.js";
import { postBatch, postBatchWithTemplates, postEmail, postWithTemplate } from "./routes.js";
import { postmarkTestOutcome } from "./test-addresses.js";

let eventCounter = 0;

/**
 * The Postmark personality: the four send endpoints with Postmark's validation and
 * `{ ErrorCode, Message }` errors, `X-Postmark-Server-Token` auth, per-message batch
 * results, no idempotency, and unsigned JSON webhooks (authenticated by basic auth in the
 * endpoint URL). Bounce testing: `hardbounce@bounce-testing.postmarkapp.com` bounces,
 * `spamcomplaint@…` complains, `inactive@…` is refused as inactive (ErrorCode 406).
 */
export const postmarkPersonality: Personality<PostmarkPayload> = {
  name: "postmark",
  title: "Postmark",
  routes: [
    ["/email", { POST: postEmail }],
    ["/email/batch", { POST: postBatch }],
    ["/email/withTemplate", { POST: postWithTemplate }],
    ["/email/batchWithTemplates", { POST: postBatchWithTemplates }],
  ],
  authenticate,
  error: postmarkError,
  messageId: (id) => `<${id}@emulator.postmarkapp.com>`,
  testOutcome: postmarkTestOutcome,
  // What @anymail/postmark reads; the official SDK takes the host in its options instead.
  env: (url, apiKey) => ({
    ANYMAIL_POSTMARK_API_URL: url,
    ANYMAIL_POSTMARK_SERVER_TOKEN: apiKey ?? "postmark-emulator-token",
  }),
  webhooks: {
    // Postmark signs nothing: basic auth in the endpoint URL is its only protection.
    secret: () => "",
    eventType: recordType,
    eventId: () => `pm-event-${++eventCounter}-${Date.now().toString(36)}`,
    payload: outboundPayload,
    inboundPayload,
    request(_endpoint, event): OutgoingWebhook {
      return {
        headers: { "content-type": "application/json", "user-agent": "Postmark" },
        body: JSON.stringify(event.payload),
      };
    },
  },
};
