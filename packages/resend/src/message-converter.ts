import { mergeEspExtra, toBase64, toJson } from "@anymail/http";
import type { EmailAddress, NormalizedAttachment, PreparedMessage } from "@anymail/core";
import { generatedFilename } from "./internal/attachment-names.js";

const PROVIDER = "Resend";

/**
 * One attachment as Resend's API takes it.
 *
 * @example
 * ```ts
 * const logo: ResendAttachmentPayload = {
 *   content: "iVBORw0KGgo=", // base64
 *   filename: "logo.png",
 *   content_type: "image/png",
 *   content_id: "logo@shop.example",
 * };
 * ```
 */
export interface ResendAttachmentPayload {
  content: string;
  filename: string;
  content_type: string;
  content_id?: string;
}

/**
 * One email as `POST /emails` (or one `/emails/batch` element) takes it.
 *
 * @example
 * ```ts
 * const payload: ResendEmailPayload = {
 *   from: "Shop <shop@example.com>",
 *   to: ["ana@example.org"],
 *   subject: "Hi",
 *   text: "Hello",
 *   headers: { "X-Tags": '["order"]' },
 * };
 * ```
 */
export interface ResendEmailPayload {
  from: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  reply_to?: string[];
  subject?: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: ResendAttachmentPayload[];
  scheduled_at?: string;
  template?: ResendTemplatePayload;
  [espExtra: string]: unknown;
}

/**
 * A Resend hosted template and its variables, as `POST /emails` takes it.
 *
 * @example
 * ```ts
 * const template: ResendTemplatePayload = { id: "order-confirmation", variables: { PRODUCT: "Lamp", PRICE: 49 } };
 * ```
 */
export interface ResendTemplatePayload {
  id: string;
  variables?: Record<string, unknown>;
}

/**
 * The one HTTP call of a send (core splits a batch larger than one call, see
 * `Provider.split`): `POST /emails` or `POST /emails/batch`, its JSON body (built once) and
 * the `to` recipients it covers.
 *
 * @example
 * ```ts
 * const request: ResendRequest = planResendRequest(prepared);
 * request.batch ? "POST /emails/batch" : "POST /emails";
 * JSON.parse(request.body); // the body
 * ```
 */
export interface ResendRequest {
  readonly batch: boolean;
  readonly body: string;
  readonly to: readonly EmailAddress[];
}

const formatted = (addresses: readonly EmailAddress[]) => addresses.map((a) => a.address);

function attachmentPayload(attachment: NormalizedAttachment): ResendAttachmentPayload {
  const { content } = attachment;
  const payload: ResendAttachmentPayload = {
    content: toBase64(content),
    // With ignoreUnsupportedFeatures an unknown unnamed type goes out as "" (as anymail does).
    filename:
      attachment.filename !== undefined && attachment.filename !== ""
        ? attachment.filename
        : (generatedFilename(attachment.mimeType) ?? ""),
    content_type: attachment.contentType,
  };
  if (attachment.inline) payload.content_id = attachment.contentId ?? "";
  return payload;
}

/** Headers of a message: the caller's, then X-Metadata, then X-Tags (anymail's order). */
function messageHeaders(message: PreparedMessage): Record<string, string> | undefined {
  if (
    message.headers === undefined &&
    message.metadata === undefined &&
    message.tags === undefined
  ) {
    return undefined;
  }
  const headers: Record<string, string> = { ...message.headers };
  if (message.metadata !== undefined)
    headers["X-Metadata"] = toJson(PROVIDER, message.metadata, "metadata");
  if (message.tags !== undefined) headers["X-Tags"] = toJson(PROVIDER, message.tags, "tags");
  return headers;
}

/** `template` of one email: the global variables with the recipient's merged over them. */
function templatePayload(
  message: PreparedMessage,
  recipientData: Readonly<Record<string, unknown>> | undefined,
): ResendTemplatePayload | undefined {
  if (message.templateId === undefined) return undefined;
  const template: ResendTemplatePayload = { id: message.templateId };
  if (message.mergeGlobalData !== undefined || recipientData !== undefined) {
    template.variables = { ...message.mergeGlobalData, ...recipientData };
  }
  return template;
}

function assemble(
  message: PreparedMessage,
  to: readonly EmailAddress[],
  headers: Record<string, string> | undefined,
  attachments: ResendAttachmentPayload[] | undefined,
  recipientData?: Readonly<Record<string, unknown>>,
): ResendEmailPayload {
  const payload: ResendEmailPayload = { from: message.from.address };
  if (to.length > 0) payload.to = formatted(to);
  if (message.cc.length > 0) payload.cc = formatted(message.cc);
  if (message.bcc.length > 0) payload.bcc = formatted(message.bcc);
  if (message.replyTo.length > 0) payload.reply_to = formatted(message.replyTo);
  if (message.subject !== undefined) payload.subject = message.subject;
  // Resend refuses a body beside a template; only ignoreUnsupportedFeatures gets this far.
  if (message.templateId === undefined) {
    if (message.text !== undefined) payload.text = message.text;
    if (message.html !== undefined) payload.html = message.html;
  }
  if (headers !== undefined) payload.headers = headers;
  if (attachments !== undefined) payload.attachments = attachments;
  if (message.sendAt !== undefined) payload.scheduled_at = message.sendAt;
  const template = templatePayload(message, recipientData);
  if (template !== undefined) payload.template = template;
  return message.espExtra === undefined
    ? payload
    : (mergeEspExtra(payload, message.espExtra) as ResendEmailPayload);
}

/**
 * The `POST /emails` body of a single send, as an object (for tests and debugging).
 *
 * @example
 * ```ts
 * toResendPayload(prepared).reply_to; // ["help@example.com"]
 * ```
 */
export function toResendPayload(message: PreparedMessage): ResendEmailPayload {
  return assemble(message, message.to, messageHeaders(message), attachmentsOf(message));
}

function attachmentsOf(message: PreparedMessage): ResendAttachmentPayload[] | undefined {
  return message.attachments.length > 0 ? message.attachments.map(attachmentPayload) : undefined;
}

/**
 * Case-sensitive lookup first (anymail's), then case-insensitive: addresses' case varies.
 * The folded index is built on the first miss only: keys are usually the exact addr-specs,
 * and a split send looks up each part's recipients in the whole table.
 */
function recipientLookup<T>(
  table: Readonly<Record<string, T>> | undefined,
): ((addrSpec: string) => T | undefined) | undefined {
  if (table === undefined) return undefined;
  let folded: Map<string, T> | undefined;
  return (addrSpec) => {
    if (Object.hasOwn(table, addrSpec)) return table[addrSpec];
    if (folded === undefined) {
      folded = new Map<string, T>();
      for (const key of Object.keys(table)) {
        const lower = key.toLowerCase();
        if (!folded.has(lower)) folded.set(lower, table[key] as T);
      }
    }
    return folded.get(addrSpec.toLowerCase());
  };
}

/** Sets `extra` over `headers` comparing names case-insensitively; existing spelling kept. */
function mergeHeadersFolded(
  headers: Record<string, string> | undefined,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const result: Record<string, string> = { ...headers };
  const spelling = new Map(Object.keys(result).map((name) => [name.toLowerCase(), name]));
  for (const name of Object.keys(extra)) {
    const lower = name.toLowerCase();
    const existing = spelling.get(lower);
    if (existing === undefined) spelling.set(lower, name);
    result[existing ?? name] = extra[name] as string;
  }
  return result;
}

/** The `/emails/batch` elements, one per `to` recipient, in `to` order. */
export function toResendBatchPayloads(message: PreparedMessage): ResendEmailPayload[] {
  const headers = messageHeaders(message);
  const attachments = attachmentsOf(message);
  const metadataFor = recipientLookup(message.mergeMetadata);
  const headersFor = recipientLookup(message.mergeHeaders);
  const dataFor = recipientLookup(message.mergeData);
  return message.to.map((recipient) => {
    let own = headers;
    const recipientMetadata = metadataFor?.(recipient.addrSpec);
    if (recipientMetadata !== undefined) {
      own = {
        ...own,
        "X-Metadata": toJson(
          PROVIDER,
          { ...message.metadata, ...recipientMetadata },
          "mergeMetadata",
        ),
      };
    }
    const recipientHeaders = headersFor?.(recipient.addrSpec);
    if (recipientHeaders !== undefined) own = mergeHeadersFolded(own, recipientHeaders);
    return assemble(message, [recipient], own, attachments, dataFor?.(recipient.addrSpec));
  });
}

/**
 * Plans the HTTP call of one send: a single `POST /emails`, or one `POST /emails/batch`
 * element per `to` recipient for a batch send. The body is serialized exactly once here.
 *
 * @example
 * ```ts
 * const request = planResendRequest(prepared);
 * request.batch; // true for a batch send (merge fields)
 * ```
 */
export function planResendRequest(message: PreparedMessage): ResendRequest {
  if (!message.isBatch) {
    return {
      batch: false,
      body: toJson(PROVIDER, toResendPayload(message), "espExtra"),
      to: message.to,
    };
  }
  return {
    batch: true,
    body: toJson(PROVIDER, toResendBatchPayloads(message), "espExtra"),
    to: message.to,
  };
}
