import { json, type RouteResponse } from "../../internal/http/io.js";
import type { SentAttachment, StoredEmail } from "../../types.js";
import type { RouteContext } from "../personality.js";
import { ApiError, errorResponse, invalidField } from "./api-error.js";
import { paginate } from "./pagination.js";
import { parseScheduledAt } from "./schedule-parse.js";
import { emailEnvelope } from "./email-object.js";
import { applyTemplate } from "./templates.js";
import { validateEmail } from "./validate-email.js";

const MAX_BATCH = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkUuid(id: string | undefined, what = "id"): ApiError | null {
  return id !== undefined && UUID.test(id)
    ? null
    : new ApiError(422, "invalid_parameter", `The \`${what}\` must be a valid UUID.`);
}

const emailNotFound = () => errorResponse(new ApiError(404, "not_found", "Email not found"));
const quotaExceeded = () =>
  errorResponse(
    new ApiError(
      429,
      "daily_quota_exceeded",
      "You have reached your daily email sending quota. Try again tomorrow or upgrade your plan.",
    ),
  );

export function sendEmail(ctx: RouteContext): RouteResponse {
  const result = validateEmail(ctx.body, ctx.emu.now(), false);
  if (!result.ok) return errorResponse(result.error);
  const fields = applyTemplate(ctx.emu, result.email.fields);
  if (fields instanceof ApiError) return errorResponse(fields);
  if (ctx.emu.quota && !ctx.emu.quota.reserve(ctx.apiKey, 1)) return quotaExceeded();
  const email = ctx.emu.accept(fields, {
    request: ctx.body as Record<string, unknown>,
    apiKey: ctx.apiKey,
    idempotencyKey: ctx.idempotencyKey,
    batch: false,
    scheduledAt: result.email.scheduledAt,
  });
  return { status: 200, body: `{"id":"${email.id}"}` };
}

export function sendBatch(ctx: RouteContext): RouteResponse {
  const modeHeader = ctx.headers["x-batch-validation"];
  const mode = typeof modeHeader === "string" ? modeHeader.toLowerCase() : "strict";
  if (mode !== "strict" && mode !== "permissive") {
    return errorResponse(
      invalidField("The `x-batch-validation` header must be `strict` or `permissive`."),
    );
  }
  if (!Array.isArray(ctx.body)) {
    return errorResponse(invalidField("The request body must be an array of emails."));
  }
  if (ctx.body.length === 0)
    return errorResponse(invalidField("The batch must contain at least one email."));
  const tooMany = `The batch can contain at most ${MAX_BATCH} emails.`;
  if (mode === "strict" && ctx.body.length > MAX_BATCH) return errorResponse(invalidField(tooMany));

  const now = ctx.emu.now();
  const valid: {
    index: number;
    email: Extract<ReturnType<typeof validateEmail>, { ok: true }>["email"];
  }[] = [];
  const errors: { index: number; message: string }[] = [];
  for (const [index, item] of ctx.body.entries()) {
    if (index >= MAX_BATCH) {
      errors.push({ index, message: tooMany });
      continue;
    }
    const checked = validateEmail(item, now, true);
    const rendered = checked.ok ? applyTemplate(ctx.emu, checked.email.fields) : checked.error;
    const result =
      rendered instanceof ApiError
        ? ({ ok: false, error: rendered } as const)
        : checked.ok
          ? ({ ok: true, email: { ...checked.email, fields: rendered } } as const)
          : checked;
    if (result.ok) valid.push({ index, email: result.email });
    else if (mode === "strict") return errorResponse(result.error);
    else errors.push({ index, message: result.error.message });
  }
  if (valid.length > 0 && ctx.emu.quota && !ctx.emu.quota.reserve(ctx.apiKey, valid.length))
    return quotaExceeded();
  const items = ctx.body as Record<string, unknown>[];
  const data = valid.map(({ index, email }) => ({
    id: ctx.emu.accept(email.fields, {
      request: items[index]!,
      apiKey: ctx.apiKey,
      idempotencyKey: ctx.idempotencyKey,
      batch: true,
      scheduledAt: null,
    }).id,
  }));
  return json(200, mode === "permissive" ? { data, errors } : { data });
}

function findEmail(ctx: RouteContext): StoredEmail | RouteResponse {
  const invalid = checkUuid(ctx.params[0]);
  if (invalid) return errorResponse(invalid);
  return ctx.emu.sent.get(ctx.params[0]!) ?? emailNotFound();
}

const isResponse = (value: unknown): value is RouteResponse =>
  typeof value === "object" && value !== null && "status" in value && "body" in value;

function listItem(email: StoredEmail) {
  return {
    ...emailEnvelope(email),
    last_event: email.lastEvent,
    scheduled_at: email.scheduledAt,
  };
}

export function getEmail(ctx: RouteContext): RouteResponse {
  const email = findEmail(ctx);
  if (isResponse(email)) return email;
  const { id, to, from, created_at, subject, bcc, cc, reply_to, last_event, scheduled_at } =
    listItem(email);
  return json(200, {
    object: "email",
    id,
    to,
    from,
    created_at,
    subject,
    html: email.html,
    text: email.text,
    bcc,
    cc,
    reply_to,
    last_event,
    scheduled_at,
    message_id: email.messageId,
    tags: resendTags(email),
    topic_id: topicId(email),
  });
}

/** Resend's name/value tags, kept as neutral metadata. */
export function resendTags(email: StoredEmail): { name: string; value: string }[] {
  return Object.entries(email.metadata).map(([name, value]) => ({ name, value }));
}

function topicId(email: StoredEmail): string | null {
  const request = email.request as { topic_id?: unknown } | undefined;
  return typeof request?.topic_id === "string" ? request.topic_id : null;
}

export function listEmails(ctx: RouteContext): RouteResponse {
  const page = paginate(ctx.emu.emails.reverse(), ctx.query);
  if (page instanceof ApiError) return errorResponse(page);
  return json(200, { object: "list", has_more: page.has_more, data: page.items.map(listItem) });
}

export function cancelEmail(ctx: RouteContext): RouteResponse {
  const email = findEmail(ctx);
  if (isResponse(email)) return email;
  if (email.lastEvent !== "scheduled") {
    return errorResponse(
      invalidField(
        `Only scheduled emails can be canceled. This email's last event is \`${email.lastEvent}\`.`,
      ),
    );
  }
  ctx.emu.cancel(email);
  return json(200, { object: "email", id: email.id });
}

export function updateEmail(ctx: RouteContext): RouteResponse {
  const email = findEmail(ctx);
  if (isResponse(email)) return email;
  const body = ctx.body as { scheduled_at?: unknown } | undefined;
  if (typeof body?.scheduled_at !== "string")
    return errorResponse(
      new ApiError(422, "missing_required_field", "Missing `scheduled_at` field."),
    );
  if (email.lastEvent !== "scheduled") {
    return errorResponse(
      invalidField(
        `Only scheduled emails can be rescheduled. This email's last event is \`${email.lastEvent}\`.`,
      ),
    );
  }
  const now = ctx.emu.now();
  const at = parseScheduledAt(body.scheduled_at, now);
  if (at === null)
    return errorResponse(
      invalidField(
        "Invalid `scheduled_at` field. Use an ISO 8601 date or natural language such as `in 1 min`.",
      ),
    );
  if (at - now > 30 * 86_400_000)
    return errorResponse(
      invalidField("Invalid `scheduled_at` field. Emails can be scheduled at most 30 days ahead."),
    );
  ctx.emu.reschedule(email, at);
  return json(200, { object: "email", id: email.id });
}

function sentAttachmentItem(ctx: RouteContext, email: StoredEmail, attachment: SentAttachment) {
  const link =
    attachment.content === null
      ? { download_url: attachment.path, expires_at: null }
      : ctx.emu.signer.sign(
          ctx.emu.url,
          `/_downloads/sent/${email.id}/attachments/${attachment.id}`,
        );
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.size,
    content_type: attachment.contentType ?? "application/octet-stream",
    content_disposition: attachment.contentId ? "inline" : "attachment",
    content_id: attachment.contentId,
    ...link,
  };
}

export function listSentAttachments(ctx: RouteContext): RouteResponse {
  const email = findEmail(ctx);
  if (isResponse(email)) return email;
  const page = paginate(email.attachments, ctx.query);
  if (page instanceof ApiError) return errorResponse(page);
  return json(200, {
    object: "list",
    has_more: page.has_more,
    data: page.items.map((a) => sentAttachmentItem(ctx, email, a)),
  });
}

export function getSentAttachment(ctx: RouteContext): RouteResponse {
  const email = findEmail(ctx);
  if (isResponse(email)) return email;
  const invalid = checkUuid(ctx.params[1], "attachment_id");
  if (invalid) return errorResponse(invalid);
  const attachment = email.attachments.find((item) => item.id === ctx.params[1]);
  if (!attachment) return errorResponse(new ApiError(404, "not_found", "Attachment not found"));
  return json(200, { object: "attachment", ...sentAttachmentItem(ctx, email, attachment) });
}
