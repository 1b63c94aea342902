import type { Emulator } from "../../emulator.js";
import { json, type RouteResponse } from "../../internal/http/io.js";
import type { ReceivedAttachment, ReceivedEmail } from "../../types.js";
import type { RouteContext } from "../personality.js";
import { ApiError, errorResponse, invalidField } from "./api-error.js";
import { paginate } from "./pagination.js";
import { checkUuid } from "./routes-emails.js";
import { emailEnvelope } from "./email-object.js";

function findReceived(ctx: RouteContext): ReceivedEmail | ApiError {
  const invalid = checkUuid(ctx.params[0]);
  if (invalid) return invalid;
  return ctx.emu.inbound.get(ctx.params[0]!) ?? new ApiError(404, "not_found", "Email not found");
}

function attachmentMeta(attachment: ReceivedAttachment) {
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.size,
    content_type: attachment.contentType,
    content_id: attachment.contentId,
    content_disposition: attachment.contentDisposition,
  };
}

function listItem(email: ReceivedEmail) {
  return {
    ...emailEnvelope(email),
    received_for: email.receivedFor,
    message_id: email.messageId,
    attachments: email.attachments.map(attachmentMeta),
  };
}

export function getReceived(ctx: RouteContext): RouteResponse {
  const email = findReceived(ctx);
  if (email instanceof ApiError) return errorResponse(email);
  const format = ctx.query.get("html_format") ?? "data_uri";
  if (format !== "data_uri" && format !== "cid") {
    return errorResponse(invalidField("The `html_format` parameter must be `data_uri` or `cid`."));
  }
  return json(200, {
    object: "email",
    ...listItem(email),
    html: format === "cid" ? email.html : inlineImagesAsDataUris(email),
    html_format: format,
    text: email.text,
    headers: email.headers,
    raw: ctx.emu.signer.sign(ctx.emu.url, `/_downloads/inbound/${email.id}/raw.eml`),
  });
}

export function listReceived(ctx: RouteContext): RouteResponse {
  const page = paginate(ctx.emu.received.reverse(), ctx.query);
  if (page instanceof ApiError) return errorResponse(page);
  return json(200, { object: "list", has_more: page.has_more, data: page.items.map(listItem) });
}

function attachmentWithLink(emu: Emulator, email: ReceivedEmail, attachment: ReceivedAttachment) {
  return {
    ...attachmentMeta(attachment),
    ...emu.signer.sign(emu.url, `/_downloads/inbound/${email.id}/attachments/${attachment.id}`),
  };
}

export function listReceivedAttachments(ctx: RouteContext): RouteResponse {
  const email = findReceived(ctx);
  if (email instanceof ApiError) return errorResponse(email);
  const page = paginate(email.attachments, ctx.query);
  if (page instanceof ApiError) return errorResponse(page);
  return json(200, {
    object: "list",
    has_more: page.has_more,
    data: page.items.map((attachment) => attachmentWithLink(ctx.emu, email, attachment)),
  });
}

export function getReceivedAttachment(ctx: RouteContext): RouteResponse {
  const email = findReceived(ctx);
  if (email instanceof ApiError) return errorResponse(email);
  const invalid = checkUuid(ctx.params[1], "attachment_id");
  if (invalid) return errorResponse(invalid);
  const attachment = email.attachments.find((item) => item.id === ctx.params[1]);
  if (!attachment) return errorResponse(new ApiError(404, "not_found", "Attachment not found"));
  return json(200, { object: "attachment", ...attachmentWithLink(ctx.emu, email, attachment) });
}

/** Replaces `cid:` references with `data:` URIs, Resend's default `html_format`. */
export function inlineImagesAsDataUris(email: ReceivedEmail): string | null {
  if (email.html === null) return null;
  return email.html.replace(/cid:([^"'\s)>]+)/g, (reference, contentId: string) => {
    const part = email.attachments.find((attachment) => attachment.contentId === contentId);
    return part
      ? `data:${part.contentType};base64,${Buffer.from(part.content).toString("base64")}`
      : reference;
  });
}
