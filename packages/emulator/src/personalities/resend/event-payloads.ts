import { isoTimestamp, microsecondTimestamp } from "./time-format.js";
import type { ReceivedEmail, StoredEmail, WebhookPayload } from "../../types.js";

/** Resend's data for each outbound event, keyed by the extra object the event carries. */
function defaultExtras(type: string, now: number): Record<string, unknown> {
  switch (type) {
    case "email.bounced":
      return {
        bounce: {
          type: "Permanent",
          subType: "General",
          message:
            "The recipient's email provider sent a hard bounce message, so the address is not deliverable. Remove it from your list.",
          diagnosticCode: [
            "smtp; 550 5.1.1 The email account that you tried to reach does not exist.",
          ],
        },
      };
    case "email.suppressed":
      return {
        suppressed: {
          type: "OnAccountSuppressionList",
          reason: "previous_bounce",
          message: "The address is on the account suppression list after an earlier hard bounce.",
          diagnosticCode: [],
        },
      };
    case "email.clicked":
      return {
        click: {
          ipAddress: "198.51.100.23",
          link: "https://example.com/",
          timestamp: isoTimestamp(now),
          userAgent: "Mozilla/5.0 (X11; Linux x86_64) ResendEmulator/1.0",
        },
      };
    case "email.failed":
      return { failed: { reason: "reached_daily_quota" } };
    default:
      return {};
  }
}

function mergeExtra(base: Record<string, unknown>, extra: Record<string, unknown> | undefined) {
  if (!extra) return base;
  for (const [key, value] of Object.entries(extra)) {
    const current = base[key];
    const bothObjects =
      typeof current === "object" &&
      current !== null &&
      !Array.isArray(current) &&
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value);
    base[key] = bothObjects ? { ...current, ...value } : value;
  }
  return base;
}

/** The webhook envelope for an event about a sent email. */
export function outboundPayload(
  email: StoredEmail,
  type: string,
  now: number,
  extra?: Record<string, unknown>,
): WebhookPayload {
  const data: Record<string, unknown> = {
    email_id: email.id,
    created_at: microsecondTimestamp(email.createdAt),
    from: email.from,
    to: email.to,
    subject: email.subject,
    message_id: email.messageId,
  };
  if (Object.keys(email.metadata).length > 0) data.tags = { ...email.metadata };
  if (email.headers) {
    data.headers = Object.entries(email.headers).map(([name, value]) => ({ name, value }));
  }
  mergeExtra(data, defaultExtras(type, now));
  return { type, created_at: isoTimestamp(now), data: mergeExtra(data, extra) };
}

/** The metadata-only `email.received` envelope. */
export function inboundPayload(
  email: ReceivedEmail,
  now: number,
  extra?: Record<string, unknown>,
): WebhookPayload {
  const data: Record<string, unknown> = {
    email_id: email.id,
    created_at: microsecondTimestamp(email.createdAt),
    from: email.from,
    to: email.to,
    cc: email.cc,
    bcc: email.bcc,
    received_for: email.receivedFor,
    message_id: email.messageId,
    subject: email.subject,
    attachments: email.attachments.map((attachment) => ({
      id: attachment.id,
      filename: attachment.filename,
      content_type: attachment.contentType,
      content_disposition: attachment.contentDisposition,
      content_id: attachment.contentId,
    })),
  };
  return { type: "email.received", created_at: isoTimestamp(now), data: mergeExtra(data, extra) };
}
