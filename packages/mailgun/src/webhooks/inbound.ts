import {
  AnymailInvalidWebhookPayload,
  createInboundMessage,
  type InboundAttachment,
  type InboundEvent,
  type InboundMessage,
} from "@anymail/core";
import type { FormFields } from "./body.js";
import { messageFromMime } from "./mime.js";

type Header = { name: string; value: string };

function stripAngles(contentId: string): string {
  return contentId.trim().replace(/^<(.*)>$/, "$1");
}

/**
 * Mailgun's content-id-map, `{"<cid>": "attachment-N"}`, inverted to field → cid. Read pair
 * by pair: Mailgun has been seen repeating keys (several `""`), which JSON.parse would collapse.
 */
export function contentIdsByField(json: string | undefined): Map<string, string> {
  const byField = new Map<string, string>();
  if (json === undefined) return byField;
  const pair = /"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (const match of json.matchAll(pair)) {
    const cid = JSON.parse(`"${match[1]}"`) as string;
    const field = JSON.parse(`"${match[2]}"`) as string;
    byField.set(field, cid);
  }
  return byField;
}

function headerList(json: string | undefined): Header[] {
  if (json === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new AnymailInvalidWebhookPayload("Mailgun message-headers is not JSON", { cause });
  }
  if (!Array.isArray(parsed)) {
    throw new AnymailInvalidWebhookPayload("Mailgun message-headers is not a list");
  }
  const headers: Header[] = [];
  for (const item of parsed) {
    if (!Array.isArray(item) || typeof item[0] !== "string") continue;
    const value = item[1];
    headers.push({
      name: item[0],
      value: typeof value === "string" ? value : JSON.stringify(value),
    });
  }
  return headers;
}

function headerValue(headers: Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Strips a client path from an uploaded filename (`C:\dir\file.msg` → `file.msg`). */
function baseName(filename: string): string | undefined {
  const base = filename.split(/[\\/]/).at(-1) ?? "";
  return base === "" || base === "." || base === ".." ? undefined : base;
}

async function messageFromParsedFields(
  form: FormFields,
  envelope: Pick<InboundMessage, "envelopeSender" | "envelopeRecipient">,
): Promise<InboundMessage> {
  const headers = headerList(form.last("message-headers"));
  const attachments: InboundAttachment[] = [];
  const count = Number(form.last("attachment-count") ?? "0");
  if (Number.isInteger(count) && count > 0) {
    const contentIds = contentIdsByField(form.last("content-id-map"));
    for (let n = 1; n <= count; n++) {
      const field = `attachment-${n}`;
      const file = form.files.get(field);
      if (file === undefined) continue;
      const cid = contentIds.get(field);
      const filename = baseName(file.name);
      const contentId = cid === undefined ? undefined : stripAngles(cid);
      attachments.push({
        ...(filename === undefined ? {} : { filename }),
        contentType: file.type || "application/octet-stream",
        content: new Uint8Array(await file.arrayBuffer()),
        ...(contentId ? { contentId } : {}),
        inline: cid !== undefined,
      });
    }
  }
  const text = form.last("body-plain");
  const html = form.last("body-html");
  // Mailgun transcodes parsed fields to UTF-8; addresses, subject and date come from the headers.
  return createInboundMessage({
    ...envelope,
    ...(text === undefined ? {} : { text }),
    ...(html === undefined ? {} : { html }),
    headers,
    attachments,
  });
}

/**
 * One inbound route post (Mailgun's `forward()` action): raw MIME when the route URL asked
 * for it (`body-mime`), else Mailgun's parsed fields and `attachment-N` files.
 */
export async function inboundEventFromForm(
  form: FormFields,
  espEvent: unknown,
): Promise<InboundEvent> {
  const event = form.first("event");
  if (event !== undefined && event !== "inbound") {
    throw new AnymailInvalidWebhookPayload(
      `You seem to have set Mailgun's *${event} tracking* webhook to Anymail's Mailgun *inbound* webhook URL.`,
    );
  }
  if (form.has("attachments")) {
    throw new AnymailInvalidWebhookPayload(
      "You seem to have configured Mailgun's receiving route using the store() action. Anymail's inbound webhook requires the forward() action.",
    );
  }
  const seconds = Number(form.last("timestamp"));
  if (!Number.isFinite(seconds)) {
    throw new AnymailInvalidWebhookPayload("Mailgun inbound post has no usable timestamp");
  }
  const sender = form.last("sender");
  const recipient = form.last("recipient");
  const envelope = {
    ...(sender === undefined ? {} : { envelopeSender: sender }),
    ...(recipient === undefined ? {} : { envelopeRecipient: recipient }),
  };
  const mime = form.last("body-mime");
  const message =
    mime === undefined
      ? await messageFromParsedFields(form, envelope)
      : await messageFromMime(new TextEncoder().encode(mime), envelope);

  const flag = headerValue(message.headers, "X-Mailgun-Sflag");
  message.spamDetected = (flag ?? "No").trim().toLowerCase() === "yes";
  const score = Number.parseFloat(headerValue(message.headers, "X-Mailgun-Sscore") ?? "");
  if (Number.isFinite(score)) message.spamScore = score;

  const token = form.last("token");
  return {
    eventType: "inbound",
    timestamp: new Date(seconds * 1000),
    ...(token === undefined ? {} : { eventId: token }),
    message,
    espEvent,
  };
}
