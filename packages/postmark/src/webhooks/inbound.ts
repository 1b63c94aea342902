import {
  AnymailInvalidWebhookPayload,
  createInboundMessage,
  type InboundEvent,
  type InboundMessageFields,
} from "@anymail/core";
import { fromBase64 } from "@anymail/http";
import { isJsonObject, type JsonObject, optionalString } from "./payload.js";

type Header = { name: string; value: string };

const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ \u0080-\uFFFF]*$/;

/** `Name <a@b>`, quoting the name when RFC 5322 needs it; `a@b` without a name. */
function formatMailbox(name: string, address: string): string {
  if (name === "") return address;
  const display = ATEXT_PHRASE.test(name) ? name : `"${name.replace(/(["\\])/g, "\\$1")}"`;
  return `${display} <${address}>`;
}

/** One of Postmark's `{Email, Name, MailboxHash}` objects, formatted. */
function fullAddress(value: unknown): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const email = optionalString(value.Email) ?? "";
  if (email === "") return undefined;
  return formatMailbox(optionalString(value.Name) ?? "", email);
}

function fullAddresses(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(fullAddress).filter((item): item is string => item !== undefined);
}

function headerList(value: unknown): Header[] {
  if (!Array.isArray(value)) return [];
  const headers: Header[] = [];
  for (const item of value) {
    if (isJsonObject(item) && typeof item.Name === "string" && typeof item.Value === "string") {
      headers.push({ name: item.Name, value: item.Value });
    }
  }
  return headers;
}

const has = (headers: readonly Header[], name: string) =>
  headers.some((header) => header.name.toLowerCase() === name);
const headerValue = (headers: readonly Header[], name: string) =>
  headers.find((header) => header.name.toLowerCase() === name)?.value;

/** The decoded attachments of the JSON form; Postmark's "Check" payloads use `Data` for `Content`. */
function attachmentsFromFields(value: unknown): NonNullable<InboundMessageFields["attachments"]> {
  if (!Array.isArray(value)) return [];
  return value.map((item, index) => {
    if (!isJsonObject(item)) {
      throw new AnymailInvalidWebhookPayload(
        `Postmark inbound attachment ${index} is not an object`,
        {
          provider: "Postmark",
        },
      );
    }
    const encoded = optionalString(item.Content) || optionalString(item.Data) || "";
    const content = fromBase64(encoded);
    if (content === undefined) {
      throw new AnymailInvalidWebhookPayload(
        `Postmark inbound attachment ${index} does not hold base64 content`,
        { provider: "Postmark" },
      );
    }
    const filename = optionalString(item.Name);
    const contentId = optionalString(item.ContentID);
    return {
      ...(filename ? { filename } : {}),
      contentType: optionalString(item.ContentType) || "application/octet-stream",
      content,
      ...(contentId ? { contentId } : {}),
    };
  });
}

/** What the JSON form says beyond its headers; Postmark lifts Date and Reply-To out of them. */
function fieldsFromJson(event: JsonObject, headers: Header[]): InboundMessageFields {
  const all = [...headers];
  const date = optionalString(event.Date);
  if (date && !has(all, "date")) all.push({ name: "Date", value: date });
  const replyTo = optionalString(event.ReplyTo);
  if (replyTo && !has(all, "reply-to")) all.push({ name: "Reply-To", value: replyTo });
  const text = optionalString(event.TextBody);
  const html = optionalString(event.HtmlBody);
  const from = fullAddress(event.FromFull) ?? optionalString(event.From);
  return {
    ...(from === undefined ? {} : { from }),
    to: fullAddresses(event.ToFull),
    cc: fullAddresses(event.CcFull),
    subject: optionalString(event.Subject) ?? "",
    ...(text ? { text } : {}),
    ...(html ? { html } : {}),
    headers: all,
    attachments: attachmentsFromFields(event.Attachments),
  };
}

async function fieldsFromMime(rawEmail: string): Promise<InboundMessageFields> {
  // Loaded here, not at import: only inbound mail needs it.
  const { default: PostalMime } = await import("postal-mime");
  const raw = new TextEncoder().encode(rawEmail);
  const parsed = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
  // Addresses, subject and date are read from the headers by createInboundMessage.
  return {
    ...(parsed.text === undefined ? {} : { text: parsed.text.replace(/\r?\n$/, "") }),
    ...(parsed.html === undefined ? {} : { html: parsed.html.replace(/\r?\n$/, "") }),
    headers: parsed.headers.map((header) => ({
      name: header.originalKey || header.key,
      value: header.value,
    })),
    attachments: parsed.attachments.map((part) => {
      const content = part.content;
      return {
        ...(part.filename ? { filename: part.filename } : {}),
        contentType: part.mimeType || "application/octet-stream",
        content:
          typeof content === "string"
            ? new TextEncoder().encode(content)
            : new Uint8Array(content as ArrayBuffer),
        ...(part.contentId ? { contentId: part.contentId } : {}),
        inline: part.disposition === "inline" || (Boolean(part.contentId) && part.related === true),
      };
    }),
    raw,
  };
}

/** Raised when a tracking webhook points at the inbound URL. */
function misconfiguredTracking(recordType: string): AnymailInvalidWebhookPayload {
  return new AnymailInvalidWebhookPayload(
    `You seem to have set Postmark's *${recordType}* webhook to Anymail's Postmark *inbound* webhook URL.`,
    { provider: "Postmark" },
  );
}

/**
 * Normalizes Postmark's inbound JSON: the MIME in `RawEmail` when the server includes it
 * (the most faithful form), else the parsed JSON fields with decoded attachments.
 */
export async function toInboundEvent(event: JsonObject, receivedAt: Date): Promise<InboundEvent> {
  const recordType = optionalString(event.RecordType) ?? "Inbound";
  if (recordType !== "Inbound") throw misconfiguredTracking(recordType);

  let headers = headerList(event.Headers);
  // Postmark puts the envelope's Return-Path first; one anywhere else is the sender's own.
  let envelopeSender: string | undefined;
  if (headers[0]?.name.toLowerCase() === "return-path") {
    envelopeSender = headers[0].value.trim().replace(/^<(.*)>$/, "$1") || undefined;
    headers = headers.slice(1);
  }

  const rawEmail = optionalString(event.RawEmail);
  const fields =
    rawEmail === undefined ? fieldsFromJson(event, headers) : await fieldsFromMime(rawEmail);
  // Postmark names a Bcc recipient (the inbound address not in To) but never in the MIME.
  const bcc = fullAddresses(event.BccFull);
  if (bcc.length > 0) fields.bcc = bcc;
  if (envelopeSender !== undefined) fields.envelopeSender = envelopeSender;
  const envelopeRecipient = optionalString(event.OriginalRecipient);
  if (envelopeRecipient) fields.envelopeRecipient = envelopeRecipient;
  const lookup = fields.headers ?? [];
  fields.spamDetected = (headerValue(lookup, "x-spam-status") ?? "No")
    .trim()
    .toLowerCase()
    .startsWith("yes");
  const score = Number.parseFloat(headerValue(lookup, "x-spam-score") ?? "");
  if (Number.isFinite(score)) fields.spamScore = score;
  const message = createInboundMessage(fields);

  const messageId = optionalString(event.MessageID);
  return {
    eventType: "inbound",
    // Postmark gives no time for inbound deliveries: the time it reached us.
    timestamp: receivedAt,
    ...(messageId === undefined ? {} : { eventId: messageId }),
    message,
    espEvent: event,
  };
}
