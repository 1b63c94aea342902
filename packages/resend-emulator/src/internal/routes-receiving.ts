import { ApiError, invalidField } from "./api-error.js";
import { inlineImagesAsDataUris } from "./inbound.js";
import { errorResponse, json, type RouteResponse } from "./http-io.js";
import { paginate } from "./pagination.js";
import { checkUuid, type RouteContext } from "./routes-emails.js";
import { postgresTimestamp } from "./time-format.js";
import type { ReceivedAttachment, ReceivedEmail } from "./types.js";
import type { ResendEmulator } from "./emulator.js";

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
    id: email.id,
    to: email.to,
    from: email.from,
    created_at: postgresTimestamp(email.createdAt),
    subject: email.subject,
    bcc: email.bcc,
    cc: email.cc,
    reply_to: email.replyTo,
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

function attachmentWithLink(
  emu: ResendEmulator,
  email: ReceivedEmail,
  attachment: ReceivedAttachment,
) {
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

const plain = (status: number, text: string): RouteResponse => ({
  status,
  body: text,
  contentType: "text/plain; charset=utf-8",
});

/** Serves signed download links: `/_downloads/{inbound|sent}/{id}/raw.eml | attachments/{aid}`. */
export function serveDownload(
  emu: ResendEmulator,
  path: string,
  query: URLSearchParams,
): RouteResponse {
  const verdict = emu.signer.verify(path, query.get("expires"), query.get("signature"));
  if (verdict === "invalid") return plain(403, "Invalid or missing signature.");
  if (verdict === "expired")
    return plain(403, "This download link has expired. Fetch the email again for a fresh link.");
  const [, , kind, emailId, what, attachmentId] = path.split("/");
  if (kind === "inbound") {
    const email = emu.inbound.get(emailId ?? "");
    if (!email) return plain(404, "Not found.");
    if (what === "raw.eml") return { status: 200, body: email.raw, contentType: "message/rfc822" };
    const attachment = email.attachments.find((item) => item.id === attachmentId);
    if (!attachment) return plain(404, "Not found.");
    return { status: 200, body: attachment.content, contentType: attachment.contentType };
  }
  const sent = emu.sent.get(emailId ?? "");
  const attachment = sent?.attachments.find((item) => item.id === attachmentId);
  if (!attachment?.content) return plain(404, "Not found.");
  return {
    status: 200,
    body: Buffer.from(attachment.content, "base64"),
    contentType: attachment.contentType ?? "application/octet-stream",
  };
}
