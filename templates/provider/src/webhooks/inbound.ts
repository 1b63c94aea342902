import {
  AnymailInvalidWebhookPayload,
  createInboundMessage,
  type InboundAttachment,
  type InboundEvent,
  type InboundMessageFields,
} from "@anymail/core";
import { isObject, requiredDate, text, textList } from "./payload.js";

function attachment(item: unknown): InboundAttachment {
  if (!isObject(item))
    throw new AnymailInvalidWebhookPayload("__Name__ inbound attachment is not an object");
  let content: Uint8Array;
  try {
    content = Uint8Array.from(atob(text(item.content) ?? ""), (char) => char.charCodeAt(0));
  } catch {
    throw new AnymailInvalidWebhookPayload("__Name__ inbound attachment content is not base64");
  }
  const file: InboundAttachment = {
    contentType: text(item.content_type) ?? "application/octet-stream",
    content,
    inline: text(item.content_id) !== undefined,
  };
  const filename = text(item.filename);
  if (filename !== undefined) file.filename = filename;
  const contentId = text(item.content_id);
  if (contentId !== undefined) file.contentId = contentId;
  return file;
}

/** One __Name__ inbound payload → one normalized event. */
export function inboundEvent(
  payload: Record<string, unknown>,
  deliveryId: string | undefined,
): InboundEvent {
  const mail = payload.message;
  if (!isObject(mail))
    throw new AnymailInvalidWebhookPayload("__Name__ inbound webhook has no message");
  const from = text(mail.from);
  if (from === undefined)
    throw new AnymailInvalidWebhookPayload("__Name__ inbound message has no from");
  const headers = Array.isArray(mail.headers) ? mail.headers : [];
  const fields: InboundMessageFields = {
    from,
    to: textList(mail.to),
    cc: textList(mail.cc),
    subject: text(mail.subject) ?? "",
    headers: headers.filter(isObject).flatMap((header) => {
      const name = text(header.name);
      const value = text(header.value);
      return name === undefined || value === undefined ? [] : [{ name, value }];
    }),
    attachments: (Array.isArray(mail.attachments) ? mail.attachments : []).map(attachment),
  };
  const body = { text: text(mail.text), html: text(mail.html) };
  if (body.text !== undefined) fields.text = body.text;
  if (body.html !== undefined) fields.html = body.html;
  // The shared builder: parsed addresses, header lookup and inline parts as for every ESP.
  const message = createInboundMessage(fields);
  const event: InboundEvent = {
    eventType: "inbound",
    timestamp: requiredDate(payload.created_at, "created_at"),
    message,
    espEvent: payload,
  };
  const eventId = text(payload.id) ?? deliveryId;
  if (eventId !== undefined) event.eventId = eventId;
  return event;
}
