import type { EventKind, WebhookPayload } from "../../types.js";
import type { Personality, SharedErrorCode } from "../personality.js";
import { ApiError, errorResponse } from "./api-error.js";
import { authenticate } from "./auth.js";
import { inboundPayload, outboundPayload } from "./event-payloads.js";
import {
  cancelEmail,
  getEmail,
  getSentAttachment,
  listEmails,
  listSentAttachments,
  sendBatch,
  sendEmail,
  updateEmail,
} from "./routes-emails.js";
import {
  getReceived,
  getReceivedAttachment,
  listReceived,
  listReceivedAttachments,
} from "./routes-receiving.js";
import { createTemplate, publishTemplate } from "./templates.js";
import { svixMessageId, svixRequest, svixSecret } from "./svix.js";
import { resendTestOutcome } from "./test-addresses.js";

/** Messages Resend gives for the errors the shared layer raises, when the caller's is generic. */
const NAMES: Partial<Record<SharedErrorCode, string>> = {
  body_too_large: "validation_error",
  invalid_body: "validation_error",
  invalid_path: "validation_error",
  injected_fault: "application_error",
  internal_server_error: "application_error",
};

function resendError(status: number, code: SharedErrorCode, message: string) {
  let name: string = NAMES[code] ?? code;
  if (code === "injected_fault") {
    name =
      status === 429
        ? "rate_limit_exceeded"
        : status === 500
          ? "internal_server_error"
          : "application_error";
  }
  if (code === "method_not_allowed") message = "Method Not Allowed";
  return errorResponse(new ApiError(status, name, message));
}

/** The Resend personality: Resend's REST API, errors, `ratelimit-*` headers and svix-signed webhooks. */
export const resendPersonality: Personality<WebhookPayload> = {
  name: "resend",
  title: "Resend",
  routes: [
    ["/emails", { POST: sendEmail, GET: listEmails }],
    ["/emails/batch", { POST: sendBatch }],
    ["/emails/receiving", { GET: listReceived }],
    ["/emails/receiving/:id", { GET: getReceived }],
    ["/emails/receiving/:id/attachments", { GET: listReceivedAttachments }],
    ["/emails/receiving/:id/attachments/:id", { GET: getReceivedAttachment }],
    ["/emails/:id", { GET: getEmail, PATCH: updateEmail }],
    ["/emails/:id/cancel", { POST: cancelEmail }],
    ["/emails/:id/attachments", { GET: listSentAttachments }],
    ["/emails/:id/attachments/:id", { GET: getSentAttachment }],
    ["/templates", { POST: createTemplate }],
    ["/templates/:id/publish", { POST: publishTemplate }],
  ],
  authenticate,
  error: resendError,
  idempotency: { header: "idempotency-key", endpoints: ["POST /emails", "POST /emails/batch"] },
  rateLimitHeaders: (state) => ({
    "ratelimit-limit": String(state.limit),
    "ratelimit-remaining": String(state.remaining),
    "ratelimit-reset": String(state.resetSeconds),
    "ratelimit-policy": `${state.limit};w=1`,
  }),
  messageId: (id) => `<${id}@emulator.resend.dev>`,
  testOutcome: resendTestOutcome,
  // What @anymail/resend reads, then the official SDK's base URL variable.
  env: (url, apiKey) => ({
    ANYMAIL_RESEND_API_URL: url,
    ANYMAIL_RESEND_API_KEY: apiKey ?? "re_test_emulator",
    RESEND_BASE_URL: url,
  }),
  // @anymail/resend's handler reads the inbound secret apart from the tracking one.
  webhookEnv: (endpoint): Record<string, string> => {
    const inboundOnly =
      endpoint.events !== null &&
      endpoint.events.length > 0 &&
      endpoint.events.every((type) => type === "email.received");
    const name =
      inboundOnly || /\/inbound\/?$/.test(new URL(endpoint.url).pathname)
        ? "ANYMAIL_RESEND_INBOUND_SECRET"
        : "ANYMAIL_RESEND_SIGNING_SECRET";
    return { [name]: endpoint.secret };
  },
  webhooks: {
    secret: svixSecret,
    eventType: (kind: EventKind) => (kind === "canceled" ? null : `email.${kind}`),
    eventId: svixMessageId,
    payload: (_kind, type, email, now, extra) => outboundPayload(email, type, now, extra),
    inboundPayload,
    request: svixRequest,
  },
  secretPatterns: [/\bre_[A-Za-z0-9_-]+/g, /\bwhsec_[A-Za-z0-9+/=]+/g],
};
