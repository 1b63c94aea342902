import type { PreparedMessage } from "@anymail/core";
import { mergeEspExtra } from "@anymail/http";

/** The placeholder API's JSON body. Replace the field names with your provider's. */
export function toPayload(message: PreparedMessage): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    from: message.from.address,
    to: message.to.map((address) => address.address),
  };
  if (message.cc.length > 0) payload.cc = message.cc.map((address) => address.address);
  if (message.bcc.length > 0) payload.bcc = message.bcc.map((address) => address.address);
  if (message.replyTo.length > 0) {
    payload.reply_to = message.replyTo.map((address) => address.address);
  }
  if (message.subject !== undefined) payload.subject = message.subject;
  if (message.text !== undefined) payload.text = message.text;
  if (message.html !== undefined) payload.html = message.html;
  if (message.headers !== undefined) payload.headers = message.headers;
  if (message.tags !== undefined) payload.tags = message.tags;
  if (message.metadata !== undefined) payload.metadata = message.metadata;
  if (message.sendAt !== undefined) payload.send_at = message.sendAt;
  if (message.attachments.length > 0) {
    payload.attachments = message.attachments.map((attachment) => ({
      filename: attachment.filename ?? "",
      content_type: attachment.contentType,
      content: Buffer.from(attachment.content).toString("base64"),
      ...(attachment.contentId ? { content_id: attachment.contentId } : {}),
    }));
  }
  // espExtra goes last so callers can override anything: the one deep-merge rule of
  // every provider (plain objects merge, anything else replaces).
  return message.espExtra === undefined ? payload : mergeEspExtra(payload, message.espExtra);
}
