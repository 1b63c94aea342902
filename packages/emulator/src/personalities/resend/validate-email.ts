import { randomUUID } from "node:crypto";
import { ApiError, invalidField, missingField } from "./api-error.js";
import { parseMailbox, toStringList } from "./address.js";
import { parseScheduledAt } from "./schedule-parse.js";
import type { EmailFields, SentAttachment } from "../../types.js";

/** The fields of a valid send request, normalised. */
export interface ValidEmail {
  fields: EmailFields;
  /** Epoch ms, or null to send now. */
  scheduledAt: number | null;
}

/** A Resend tag: a name/value pair. */
interface ResendTag {
  name: string;
  value: string;
}

export const MAX_RECIPIENTS = 50;
const MAX_ATTACHMENT_BYTES_BASE64 = 40 * 1024 * 1024;
const MAX_SCHEDULE_AHEAD_MS = 30 * 86_400_000;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

type Result = { ok: true; email: ValidEmail } | { ok: false; error: ApiError };

const fail = (error: ApiError): Result => ({ ok: false, error });

/** Validates one `POST /emails` body (or one batch item) the way Resend does. */
export function validateEmail(body: unknown, now: number, inBatch: boolean): Result {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return fail(invalidField("The request body must be a JSON object."));
  }
  const input = body as Record<string, unknown>;
  const hasTemplate = input.template !== undefined && input.template !== null;

  if (input.from === undefined || input.from === null) {
    if (!hasTemplate) return fail(missingField("from"));
  } else if (typeof input.from !== "string" || parseMailbox(input.from) === null) {
    return fail(
      new ApiError(
        422,
        "invalid_from_address",
        "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
      ),
    );
  }
  if (input.to === undefined || input.to === null) return fail(missingField("to"));
  const to = toStringList(input.to);
  if (to === null || to.length === 0) {
    return fail(
      invalidField("Invalid `to` field. It must be an email address or an array of them."),
    );
  }
  if (to.length > MAX_RECIPIENTS) {
    return fail(
      invalidField(`Invalid \`to\` field. You can send to at most ${MAX_RECIPIENTS} recipients.`),
    );
  }
  const lists: Record<"to" | "cc" | "bcc" | "reply_to", string[] | null> = {
    to,
    cc: null,
    bcc: null,
    reply_to: null,
  };
  for (const field of ["cc", "bcc", "reply_to"] as const) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    const list = toStringList(value);
    if (list === null) return fail(invalidField(`Invalid \`${field}\` field.`));
    lists[field] = list;
  }
  for (const [field, list] of Object.entries(lists)) {
    const bad = list?.find((address) => parseMailbox(address) === null);
    if (bad !== undefined) {
      return fail(
        invalidField(
          `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format. Got: ${JSON.stringify(bad)}`,
        ),
      );
    }
  }

  if (input.subject === undefined || input.subject === null) {
    if (!hasTemplate) return fail(missingField("subject"));
  } else if (typeof input.subject !== "string") {
    return fail(invalidField("Invalid `subject` field. It must be a string."));
  }
  for (const field of ["html", "text"] as const) {
    const value = input[field];
    if (value !== undefined && value !== null && typeof value !== "string") {
      return fail(invalidField(`Invalid \`${field}\` field. It must be a string.`));
    }
  }
  const html = typeof input.html === "string" ? input.html : null;
  const text = typeof input.text === "string" ? input.text : null;
  if (hasTemplate) {
    if (html !== null || text !== null || input.react !== undefined) {
      return fail(
        invalidField("The `template` field cannot be combined with `html`, `text` or `react`."),
      );
    }
    const template = input.template as Record<string, unknown>;
    if (typeof template !== "object" || typeof template.id !== "string" || template.id === "") {
      return fail(missingField("template.id"));
    }
    const variables = template.variables;
    if (
      variables !== undefined &&
      variables !== null &&
      (typeof variables !== "object" || Array.isArray(variables))
    ) {
      return fail(invalidField("Invalid `template.variables` field. It must be an object."));
    }
  } else if (html === null && text === null) {
    return fail(missingField("html` or `text"));
  }

  const headers = validateHeaders(input.headers);
  if (headers instanceof ApiError) return fail(headers);
  const tags = validateTags(input.tags);
  if (tags instanceof ApiError) return fail(tags);

  if (inBatch && input.attachments !== undefined && input.attachments !== null) {
    return fail(invalidField("The `attachments` field is not supported in batch emails."));
  }
  const attachments = validateAttachments(input.attachments);
  if (attachments instanceof ApiError) return fail(attachments);

  let scheduledAt: number | null = null;
  if (input.scheduled_at !== undefined && input.scheduled_at !== null) {
    if (inBatch)
      return fail(invalidField("The `scheduled_at` field is not supported in batch emails."));
    if (typeof input.scheduled_at !== "string") {
      return fail(invalidField("Invalid `scheduled_at` field. It must be a string."));
    }
    scheduledAt = parseScheduledAt(input.scheduled_at, now);
    if (scheduledAt === null) {
      return fail(
        invalidField(
          "Invalid `scheduled_at` field. Use an ISO 8601 date (e.g. 2026-12-01T09:00:00Z) or natural language such as `in 1 min`.",
        ),
      );
    }
    if (scheduledAt - now > MAX_SCHEDULE_AHEAD_MS) {
      return fail(
        invalidField(
          "Invalid `scheduled_at` field. Emails can be scheduled at most 30 days ahead.",
        ),
      );
    }
    if (scheduledAt <= now) scheduledAt = null;
  }
  if (
    input.topic_id !== undefined &&
    input.topic_id !== null &&
    typeof input.topic_id !== "string"
  ) {
    return fail(invalidField("Invalid `topic_id` field. It must be a string."));
  }

  return {
    ok: true,
    email: {
      fields: {
        from: typeof input.from === "string" ? input.from : "",
        to,
        cc: lists.cc,
        bcc: lists.bcc,
        replyTo: lists.reply_to,
        subject: typeof input.subject === "string" ? input.subject : "",
        html,
        text,
        headers,
        // Resend's only native tagging is name/value pairs: neutral metadata.
        tags: [],
        metadata: Object.fromEntries((tags ?? []).map((tag) => [tag.name, tag.value])),
        attachments,
        template: hasTemplate ? templateOf(input.template as Record<string, unknown>) : null,
      },
      scheduledAt,
    },
  };
}

function validateHeaders(value: unknown): Record<string, string> | null | ApiError {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    return invalidField(
      "Invalid `headers` field. It must be an object of header names to string values.",
    );
  }
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue !== "string") {
      return invalidField(`Invalid \`headers\` field. The value of \`${name}\` must be a string.`);
    }
    if (!/^[!-9;-~]+$/.test(name))
      return invalidField(`Invalid \`headers\` field. Bad header name \`${name}\`.`);
  }
  return value as Record<string, string>;
}

function templateOf(template: Record<string, unknown>): EmailFields["template"] {
  const variables = template.variables;
  return {
    id: template.id as string,
    variables:
      typeof variables === "object" && variables !== null
        ? { ...(variables as Record<string, unknown>) }
        : {},
  };
}

function validateTags(value: unknown): ResendTag[] | null | ApiError {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value))
    return invalidField("Invalid `tags` field. It must be an array of `{ name, value }`.");
  const tags: ResendTag[] = [];
  for (const tag of value) {
    if (typeof tag !== "object" || tag === null)
      return invalidField("Invalid `tags` field. Each tag must be an object.");
    const { name, value: tagValue } = tag as Record<string, unknown>;
    if (typeof name !== "string") return missingField("tags.name");
    if (tagValue !== undefined && typeof tagValue !== "string") {
      return invalidField("Invalid `tags` field. Tag values must be strings.");
    }
    for (const part of [name, tagValue]) {
      if (typeof part === "string" && !TAG_PART.test(part)) {
        return invalidField(
          "Invalid `tags` field. Tag names and values may only contain ASCII letters (a–z, A–Z), numbers, underscores or dashes, and be at most 256 characters long.",
        );
      }
    }
    tags.push({ name, value: typeof tagValue === "string" ? tagValue : "" });
  }
  return tags;
}

function validateAttachments(value: unknown): SentAttachment[] | ApiError {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    return invalidField("Invalid `attachments` field. It must be an array.");
  const attachments: SentAttachment[] = [];
  let totalBase64 = 0;
  for (const item of value) {
    if (typeof item !== "object" || item === null)
      return invalidField("Invalid `attachments` field.");
    const attachment = item as Record<string, unknown>;
    const content = attachmentContentBase64(attachment.content);
    if (content instanceof ApiError) return content;
    const path =
      typeof attachment.path === "string" && attachment.path !== "" ? attachment.path : null;
    if (content === null && path === null) {
      return new ApiError(
        422,
        "invalid_attachment",
        "Attachment must have either a `content` or `path`.",
      );
    }
    for (const field of ["filename", "content_type", "content_id"] as const) {
      const fieldValue = attachment[field];
      if (fieldValue !== undefined && fieldValue !== null && typeof fieldValue !== "string") {
        return invalidField(`Invalid \`attachments\` field. \`${field}\` must be a string.`);
      }
    }
    totalBase64 += content?.length ?? 0;
    attachments.push({
      id: randomUUID(),
      filename: (attachment.filename as string | undefined) ?? null,
      content,
      path,
      contentType: (attachment.content_type as string | undefined) ?? null,
      contentId: (attachment.content_id as string | undefined) ?? null,
      size: content === null ? 0 : Buffer.byteLength(content, "base64"),
    });
  }
  if (totalBase64 > MAX_ATTACHMENT_BYTES_BASE64) {
    return invalidField(
      "Attachments exceed the 40 MB limit per email (measured after base64 encoding).",
    );
  }
  return attachments;
}

/** Accepts a base64 string or the `{ type: "Buffer", data: number[] }` a JSON-serialised Buffer becomes. */
function attachmentContentBase64(content: unknown): string | null | ApiError {
  if (content === undefined || content === null || content === "") return null;
  if (typeof content === "string") {
    // Checking the charset on huge payloads would dominate the hot path; sample the head instead.
    return BASE64.test(content.length > 4096 ? content.slice(0, 4096) : content)
      ? content
      : new ApiError(422, "invalid_attachment", "Attachment `content` must be base64 encoded.");
  }
  if (typeof content === "object") {
    const buffer = content as { type?: unknown; data?: unknown };
    if (buffer.type === "Buffer" && Array.isArray(buffer.data)) {
      const bytes = buffer.data as unknown[];
      if (
        !bytes.every(
          (byte) => Number.isInteger(byte) && (byte as number) >= 0 && (byte as number) <= 255,
        )
      ) {
        return new ApiError(
          422,
          "invalid_attachment",
          "Attachment `content` Buffer data must be bytes.",
        );
      }
      return Buffer.from(bytes as number[]).toString("base64");
    }
  }
  return new ApiError(
    422,
    "invalid_attachment",
    "Attachment `content` must be a base64 string or a Buffer.",
  );
}
