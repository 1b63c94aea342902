import { randomBytes } from "node:crypto";
import type { EventKind, ReceivedEmail, StoredEmail } from "../../types.js";
import { addrSpec } from "./addresses.js";

/** What one Mailgun webhook delivery carries, before it is signed. */
export type MailgunPayload =
  | { kind: "event"; eventData: Record<string, unknown> }
  | { kind: "inbound"; email: ReceivedEmail };

/** Mailgun's webhook names (as configured in its dashboard) per neutral event kind. */
export function mailgunEventType(kind: EventKind): string | null {
  switch (kind) {
    case "delivered":
    case "opened":
    case "clicked":
    case "complained":
      return kind;
    case "bounced":
    case "suppressed":
    case "failed":
      return "permanent_fail";
    case "delivery_delayed":
      return "temporary_fail";
    case "received":
      return "inbound";
    default:
      // Mailgun sends no webhook for accepted ("sent"), scheduled or canceled messages.
      return null;
  }
}

function stripAngles(messageId: string): string {
  return messageId.replace(/^<(.*)>$/, "$1");
}

function failure(kind: EventKind): Record<string, unknown> {
  switch (kind) {
    case "bounced":
      return {
        event: "failed",
        severity: "permanent",
        reason: "bounce",
        "log-level": "error",
        "delivery-status": {
          code: 550,
          "attempt-no": 1,
          description: "",
          message:
            "5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos",
        },
      };
    case "suppressed":
      return {
        event: "failed",
        severity: "permanent",
        reason: "suppress-bounce",
        "log-level": "error",
        "delivery-status": {
          code: 605,
          "attempt-no": 1,
          description: "Not delivering to previously bounced address",
          message: "",
        },
      };
    case "failed":
      return {
        event: "failed",
        severity: "permanent",
        reason: "generic",
        "log-level": "error",
        "delivery-status": {
          code: 554,
          "attempt-no": 1,
          description: "",
          message: "5.0.0 Delivery failed",
        },
      };
    default:
      return {
        event: "failed",
        severity: "temporary",
        reason: "generic",
        "log-level": "warn",
        "delivery-status": {
          code: 451,
          "attempt-no": 1,
          "retry-seconds": 600,
          description: "Temporary failure, will retry",
          message: "4.3.0 Temporary failure, will retry",
        },
      };
  }
}

function byKind(kind: EventKind, now: number): Record<string, unknown> {
  switch (kind) {
    case "delivered":
      return {
        event: "delivered",
        "log-level": "info",
        "delivery-status": {
          code: 250,
          "attempt-no": 1,
          description: "",
          message: "OK",
          tls: true,
        },
      };
    case "opened":
      return {
        event: "opened",
        "log-level": "info",
        ip: "198.51.100.23",
        "client-info": {
          "client-type": "browser",
          "user-agent": "Mozilla/5.0 (X11; Linux x86_64) MailgunEmulator/1.0",
        },
      };
    case "clicked":
      return {
        event: "clicked",
        "log-level": "info",
        url: "https://example.com/",
        ip: "198.51.100.23",
        "client-info": {
          "client-type": "browser",
          "user-agent": "Mozilla/5.0 (X11; Linux x86_64) MailgunEmulator/1.0",
        },
      };
    case "complained":
      return { event: "complained", "log-level": "warn" };
    default:
      return { ...failure(kind), timestamp: now / 1000 };
  }
}

/** The `event-data` of an event about a sent message (one recipient per stored message). */
export function eventData(
  kind: EventKind,
  email: StoredEmail,
  now: number,
  extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const recipientMailbox = email.to[0] ?? email.cc?.[0] ?? email.bcc?.[0] ?? "";
  const recipient = addrSpec(recipientMailbox) ?? recipientMailbox;
  const domain = typeof email.request.domain === "string" ? email.request.domain : "";
  return {
    id: randomBytes(16).toString("base64url"),
    timestamp: now / 1000,
    recipient,
    "recipient-domain": recipient.split("@")[1] ?? "",
    tags: [...email.tags],
    "user-variables": { ...email.metadata },
    envelope: {
      sender: `bounce+${email.id.slice(0, 8)}@${domain}`,
      targets: recipient,
      transport: "smtp",
    },
    message: {
      headers: {
        to: email.to.join(", "),
        "message-id": stripAngles(email.messageId),
        from: email.from,
        subject: email.subject,
      },
      attachments: email.attachments.map((a) => ({
        filename: a.filename,
        "content-type": a.contentType,
        size: a.size,
      })),
      size: (email.text?.length ?? 0) + (email.html?.length ?? 0),
    },
    flags: {
      "is-routed": false,
      "is-authenticated": true,
      "is-system-test": false,
      "is-test-mode": false,
    },
    ...byKind(kind, now),
    ...extra,
  };
}
