import { createInboundMessage, type InboundAttachment, type InboundMessage } from "@anymail/core";
import type { Address } from "postal-mime";
import { formatMailbox } from "./address.js";
import { isJsonObject, type JsonObject, optionalString, stringList } from "./payload.js";

function flattenAddresses(addresses: Address[] | undefined): string[] {
  const list: string[] = [];
  for (const address of addresses ?? []) {
    if (address.group) {
      for (const member of address.group) list.push(formatMailbox(member.name, member.address));
    } else if (address.address) {
      list.push(formatMailbox(address.name, address.address));
    }
  }
  return list;
}

function stripAngles(contentId: string | undefined): string | undefined {
  if (contentId === undefined) return undefined;
  const stripped = contentId.trim().replace(/^<(.*)>$/, "$1");
  return stripped === "" ? undefined : stripped;
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === "string") return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function parseDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Parses the original RFC 822 bytes. `email` (the API's JSON) fills what the MIME lacks,
 * e.g. a message whose only recipients were Bcc.
 */
export async function messageFromMime(raw: Uint8Array, email: JsonObject): Promise<InboundMessage> {
  // Loaded here, not at import: only inbound mail needs it (~11 ms to import).
  const { default: PostalMime } = await import("postal-mime");
  const parsed = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
  const from = flattenAddresses(parsed.from ? [parsed.from] : undefined)[0];
  const to = flattenAddresses(parsed.to);
  const attachments: InboundAttachment[] = parsed.attachments.map((part) => {
    const contentId = stripAngles(part.contentId);
    return {
      ...(part.filename ? { filename: part.filename } : {}),
      contentType: part.mimeType || "application/octet-stream",
      content: toBytes(part.content),
      ...(contentId === undefined ? {} : { contentId }),
      inline: part.disposition === "inline" || part.related === true,
    };
  });
  const date = parseDate(parsed.date);
  const replyTo = flattenAddresses(parsed.replyTo);
  const bcc = flattenAddresses(parsed.bcc);
  return createInboundMessage({
    from: from ?? optionalString(email.from) ?? "",
    to: to.length > 0 ? to : stringList(email.to),
    cc: flattenAddresses(parsed.cc),
    // Bcc is not in a delivered message's headers: Resend's JSON may still name them.
    bcc: bcc.length > 0 ? bcc : stringList(email.bcc),
    replyTo: replyTo.length > 0 ? replyTo : stringList(email.reply_to),
    subject: parsed.subject ?? optionalString(email.subject) ?? "",
    ...(date === undefined ? {} : { date }),
    ...(parsed.text === undefined ? {} : { text: parsed.text }),
    ...(parsed.html === undefined ? {} : { html: parsed.html }),
    headers: parsed.headers.map((header) => ({
      name: header.originalKey || header.key,
      value: header.value,
    })),
    attachments,
    raw,
  });
}

/** Resend gives headers as an object (a list value = a repeated header) or as `[{name, value}]`. */
function headersFromFields(value: unknown): { name: string; value: string }[] {
  const headers: { name: string; value: string }[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isJsonObject(item) && typeof item.name === "string" && typeof item.value === "string") {
        headers.push({ name: item.name, value: item.value });
      }
    }
  } else if (isJsonObject(value)) {
    for (const [name, item] of Object.entries(value)) {
      for (const one of Array.isArray(item) ? item : [item]) {
        if (typeof one === "string") headers.push({ name, value: one });
      }
    }
  }
  return headers;
}

/** One downloaded attachment, with the metadata the API listed for it. */
export interface DownloadedAttachment {
  meta: JsonObject;
  bytes: Uint8Array;
  downloadContentType?: string;
}

/** Builds the message from the API's parsed fields when Resend offers no raw MIME. */
export function messageFromFields(
  email: JsonObject,
  downloads: DownloadedAttachment[],
): InboundMessage {
  const headers = headersFromFields(email.headers);
  const has = (name: string) => headers.some((h) => h.name.toLowerCase() === name);
  const replyTo = stringList(email.reply_to);
  if (replyTo.length > 0 && !has("reply-to")) {
    headers.push({ name: "Reply-To", value: replyTo.join(", ") });
  }
  const messageId = optionalString(email.message_id);
  if (messageId !== undefined && !has("message-id")) {
    headers.push({ name: "Message-ID", value: messageId });
  }
  const date = parseDate(headers.find((h) => h.name.toLowerCase() === "date")?.value);
  const text = optionalString(email.text);
  const html = optionalString(email.html);

  const attachments: InboundAttachment[] = downloads.map(({ meta, bytes, downloadContentType }) => {
    const filename = optionalString(meta.filename);
    const contentId = stripAngles(optionalString(meta.content_id));
    return {
      ...(filename === undefined ? {} : { filename }),
      contentType:
        optionalString(meta.content_type) ?? downloadContentType ?? "application/octet-stream",
      content: bytes,
      ...(contentId === undefined ? {} : { contentId }),
      inline: meta.content_disposition === "inline" || contentId !== undefined,
    };
  });

  return createInboundMessage({
    from: optionalString(email.from) ?? "",
    to: stringList(email.to),
    cc: stringList(email.cc),
    bcc: stringList(email.bcc),
    replyTo,
    subject: optionalString(email.subject) ?? "",
    ...(date === undefined ? {} : { date }),
    ...(text === undefined ? {} : { text }),
    ...(html === undefined ? {} : { html }),
    headers,
    attachments,
  });
}
