import type { EventKind, ReceivedEmail, StoredEmail } from "../../types.js";

/** A Postmark webhook body: one JSON object per event. */
export type PostmarkPayload = Record<string, unknown>;

const SERVER_ID = 1;
let bounceIds = 900_000_000;

/** Postmark's webhook RecordType for each neutral kind; null where Postmark sends none. */
export function recordType(kind: EventKind): string | null {
  switch (kind) {
    case "delivered":
      return "Delivery";
    case "bounced":
    case "delivery_delayed":
      return "Bounce";
    case "complained":
      return "SpamComplaint";
    case "opened":
      return "Open";
    case "clicked":
      return "Click";
    case "suppressed":
      return "SubscriptionChange";
    case "received":
      return "Inbound";
    default:
      // Postmark has no webhook for sent ("processed"), scheduled, failed or canceled.
      return null;
  }
}

/** The addr-spec of `Name <a@b>` or `a@b`. */
function addrSpec(text: string): string {
  return (/<\s*([^<>]*?)\s*>\s*$/.exec(text)?.[1] ?? text).trim();
}

/** `{ Email, Name, MailboxHash }` of one address, as Postmark's inbound JSON has it. */
function full(text: string): { Email: string; Name: string; MailboxHash: string } {
  const email = addrSpec(text);
  const name = text.includes("<")
    ? text
        .slice(0, text.lastIndexOf("<"))
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .replace(/\\(.)/g, "$1")
    : "";
  const hash = /^[^+@]*\+([^@]*)@/.exec(email)?.[1] ?? "";
  return { Email: email, Name: name, MailboxHash: hash };
}

const timestamp = (now: number) => new Date(now).toISOString();

/** The payload of an event about a sent email; `extra` (from `emu.emit`) is merged last. */
export function outboundPayload(
  kind: EventKind,
  type: string,
  email: StoredEmail,
  now: number,
  extra?: Record<string, unknown>,
): PostmarkPayload {
  const recipient = addrSpec(email.to[0] ?? email.cc?.[0] ?? email.bcc?.[0] ?? "");
  const common = {
    RecordType: type,
    ServerID: SERVER_ID,
    MessageStream: "outbound",
    MessageID: email.id,
    Tag: email.tags[0] ?? "",
    Metadata: { ...email.metadata },
  };
  let payload: PostmarkPayload;
  switch (kind) {
    case "delivered":
      payload = {
        ...common,
        Recipient: recipient,
        DeliveredAt: timestamp(now),
        Details: "smtp;250 2.0.0 OK (emulated delivery)",
      };
      break;
    case "bounced":
    case "delivery_delayed": {
      const hard = kind === "bounced";
      payload = {
        ...common,
        ID: ++bounceIds,
        Type: hard ? "HardBounce" : "Transient",
        TypeCode: hard ? 1 : 2,
        Name: hard ? "Hard bounce" : "Message delayed",
        Description: hard
          ? "The server was unable to deliver your message (ex: unknown user, mailbox not found)."
          : "The server could not temporarily deliver your message (ex: Message is delayed due to network troubles).",
        Details: hard
          ? "smtp;550 5.1.1 The email account that you tried to reach does not exist."
          : "smtp;451 4.4.1 Temporary failure, retrying",
        Email: recipient,
        From: addrSpec(email.from),
        BouncedAt: timestamp(now),
        DumpAvailable: false,
        Inactive: hard,
        CanActivate: true,
        Subject: email.subject,
        Content: "",
      };
      break;
    }
    case "complained":
      payload = {
        ...common,
        ID: ++bounceIds,
        Type: "SpamComplaint",
        TypeCode: 512,
        Name: "Spam complaint",
        Description: "The subscriber explicitly marked this message as spam.",
        Details: "",
        Email: recipient,
        From: addrSpec(email.from),
        BouncedAt: timestamp(now),
        DumpAvailable: false,
        Inactive: true,
        CanActivate: false,
        Subject: email.subject,
      };
      break;
    case "opened":
      payload = {
        ...common,
        FirstOpen: true,
        Client: { Name: "Emulator", Company: "anymail", Family: "Emulator" },
        OS: { Name: "Linux", Company: "", Family: "Linux" },
        Platform: "Desktop",
        UserAgent: "Mozilla/5.0 (X11; Linux x86_64) PostmarkEmulator/1.0",
        ReadSeconds: 0,
        Geo: {},
        Recipient: recipient,
        ReceivedAt: timestamp(now),
      };
      break;
    case "clicked":
      payload = {
        ...common,
        ClickLocation: "HTML",
        Platform: "Desktop",
        UserAgent: "Mozilla/5.0 (X11; Linux x86_64) PostmarkEmulator/1.0",
        OriginalLink: "https://example.com/",
        Recipient: recipient,
        ReceivedAt: timestamp(now),
      };
      break;
    default:
      payload = {
        ...common,
        Recipient: recipient,
        Origin: "Customer",
        SuppressSending: true,
        SuppressionReason: "ManualSuppression",
        ChangedAt: timestamp(now),
      };
  }
  return { ...payload, ...extra };
}

/**
 * Postmark's inbound JSON for a received email, with `RawEmail` (the "Include raw email
 * content" setting); pass `{ RawEmail: null }` as `extra` to `emu.emit` for the JSON-only form.
 */
export function inboundPayload(
  email: ReceivedEmail,
  _now: number,
  extra?: Record<string, unknown>,
): PostmarkPayload {
  const from = full(email.from);
  const headers = [
    // Postmark puts the envelope sender first.
    { Name: "Return-Path", Value: `<${from.Email}>` },
    ...Object.entries(email.headers)
      .filter(
        ([name]) =>
          !/^(from|to|cc|bcc|subject|date|reply-to|content-type|content-transfer-encoding)$/i.test(
            name,
          ),
      )
      .map(([Name, Value]) => ({ Name, Value })),
  ];
  const to = email.to.map(full);
  const original = email.receivedFor[0] ?? to[0]?.Email ?? "";
  const bcc =
    email.bcc.length > 0
      ? email.bcc.map(full)
      : to.some((t) => t.Email === original)
        ? []
        : [full(original)];
  const date = Object.entries(email.headers).find(([name]) => name.toLowerCase() === "date")?.[1];
  const payload: PostmarkPayload = {
    FromName: from.Name,
    MessageStream: "inbound",
    From: from.Email,
    FromFull: from,
    To: email.to.join(", "),
    ToFull: to,
    Cc: email.cc.join(", "),
    CcFull: email.cc.map(full),
    Bcc: bcc.map((b) => b.Email).join(", "),
    BccFull: bcc,
    OriginalRecipient: original,
    Subject: email.subject,
    MessageID: email.id,
    ReplyTo: email.replyTo.join(", "),
    MailboxHash: full(original).MailboxHash,
    Date: date ?? new Date(email.createdAt).toUTCString(),
    TextBody: email.text ?? "",
    HtmlBody: email.html ?? "",
    StrippedTextReply: "",
    Tag: "",
    Headers: headers,
    Attachments: email.attachments.map((attachment) => ({
      Name: attachment.filename ?? "",
      Content: Buffer.from(attachment.content).toString("base64"),
      ContentType: attachment.contentType,
      ContentLength: attachment.size,
      ...(attachment.contentId === null ? {} : { ContentID: attachment.contentId }),
    })),
    RawEmail: Buffer.from(email.raw).toString("utf8"),
  };
  return { ...payload, ...extra };
}
