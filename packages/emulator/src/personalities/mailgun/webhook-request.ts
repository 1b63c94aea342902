import { createHash, createHmac, randomBytes } from "node:crypto";
import type { EmittedEvent, ReceivedEmail, WebhookEndpoint } from "../../types.js";
import type { OutgoingWebhook } from "../personality.js";
import type { MailgunPayload } from "./event-payloads.js";

/** A Mailgun HTTP webhook signing key: 32 hex digits when none is configured. */
export function signingKey(configured: string | undefined): string {
  return configured ?? randomBytes(16).toString("hex");
}

/**
 * The signature block. Mailgun resends a failed delivery with its original signature, so the
 * timestamp is the event's and the token is derived from the event and endpoint: every attempt
 * carries the same block.
 */
function signatureBlock(endpoint: WebhookEndpoint, event: EmittedEvent<MailgunPayload>) {
  const timestamp = String(Math.floor(event.createdAt / 1000));
  const token = createHash("sha256")
    .update(`${event.eventId}:${endpoint.id}`)
    .digest("hex")
    .slice(0, 50);
  const signature = createHmac("sha256", endpoint.secret)
    .update(timestamp + token)
    .digest("hex");
  return { timestamp, token, signature };
}

/** The header block of a raw message as Mailgun's `message-headers`: `[[name, value], …]` in order. */
function headerList(raw: Uint8Array): [string, string][] {
  const text = Buffer.from(raw).toString("utf8");
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  const headers: [string, string][] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]![1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return headers;
}

type Part =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; content: Uint8Array };

function quoted(value: string): string {
  return value.replace(/[\r\n"]/g, (c) => (c === '"' ? "%22" : c === "\r" ? "%0D" : "%0A"));
}

/** multipart/form-data as Mailgun's route forwarder posts it (written here: request() is synchronous). */
function multipart(parts: Part[]): OutgoingWebhook {
  const boundary = `----MailgunEmulator${randomBytes(12).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ("content" in part) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"; filename="${quoted(part.filename)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`,
        ),
        Buffer.from(part.content),
        Buffer.from("\r\n"),
      );
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"\r\n\r\n${part.value}\r\n`,
        ),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(chunks),
  };
}

/** The route `forward()` fields: raw MIME when the route URL ends in "mime", else parsed fields and files. */
function inboundParts(email: ReceivedEmail, url: string): Part[] {
  const field = (name: string, value: string | null | undefined): Part[] =>
    value === null || value === undefined ? [] : [{ name, value }];
  const parts: Part[] = [
    ...field("recipient", email.receivedFor[0] ?? email.to[0]),
    ...field("sender", email.from.replace(/^.*<([^<>]+)>\s*$/, "$1")),
    ...field("from", email.from),
    ...field("subject", email.subject),
  ];
  if (/mime\/?$/.test(url)) {
    parts.push({ name: "body-mime", value: Buffer.from(email.raw).toString("utf8") });
    return parts;
  }
  parts.push(
    ...field("body-plain", email.text),
    ...field("stripped-text", email.text),
    ...field("body-html", email.html),
    ...field("stripped-html", email.html),
    { name: "message-headers", value: JSON.stringify(headerList(email.raw)) },
  );
  const contentIds: Record<string, string> = {};
  email.attachments.forEach((attachment, index) => {
    const fieldName = `attachment-${index + 1}`;
    if (attachment.contentId)
      contentIds[`<${attachment.contentId.replace(/^<(.*)>$/, "$1")}>`] = fieldName;
    parts.push({
      name: fieldName,
      filename: attachment.filename ?? "",
      contentType: attachment.contentType,
      content: attachment.content,
    });
  });
  if (email.attachments.length > 0) {
    parts.push({ name: "attachment-count", value: String(email.attachments.length) });
    if (Object.keys(contentIds).length > 0)
      parts.push({ name: "content-id-map", value: JSON.stringify(contentIds) });
  }
  return parts;
}

/** One delivery attempt: JSON with a `signature` block for events, a signed form for inbound routes. */
export function webhookRequest(
  endpoint: WebhookEndpoint,
  event: EmittedEvent<MailgunPayload>,
): OutgoingWebhook {
  const signature = signatureBlock(endpoint, event);
  if (event.payload.kind === "inbound") {
    const parts = inboundParts(event.payload.email, endpoint.url);
    for (const [name, value] of Object.entries(signature)) parts.push({ name, value });
    return multipart(parts);
  }
  return {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ signature, "event-data": event.payload.eventData }),
  };
}
