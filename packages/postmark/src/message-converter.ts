import {
  AnymailSerializationError,
  type EmailAddress,
  type NormalizedAttachment,
  type PreparedMessage,
} from "@anymail/core";
import { mergeEspExtra, toBase64, toJson } from "@anymail/http";

/**
 * One attachment as Postmark's email API takes it.
 *
 * @example
 * ```ts
 * const logo: PostmarkAttachmentPayload = { Name: "logo.png", Content: "iVBORw0…", ContentType: "image/png", ContentID: "cid:logo" };
 * ```
 */
export interface PostmarkAttachmentPayload {
  Name: string;
  /** Base64. */
  Content: string;
  ContentType: string;
  /** `cid:<contentId>`, only for inline attachments. */
  ContentID?: string;
}

/**
 * One message as Postmark's email API takes it (fields not listed come from `espExtra`).
 *
 * @example
 * ```ts
 * const payload: PostmarkMessagePayload = { From: "shop@example.com", To: "ana@example.org", Subject: "Hi", TextBody: "Hello" };
 * ```
 */
export interface PostmarkMessagePayload {
  From: string;
  To?: string;
  Cc?: string;
  Bcc?: string;
  ReplyTo?: string;
  Subject?: string;
  TextBody?: string;
  HtmlBody?: string;
  Headers?: { Name: string; Value: string }[];
  Attachments?: PostmarkAttachmentPayload[];
  Metadata?: Record<string, unknown>;
  Tag?: string;
  TrackOpens?: boolean;
  TrackLinks?: "HtmlAndText" | "None";
  TemplateId?: number;
  TemplateAlias?: string;
  TemplateModel?: Record<string, unknown>;
  [espExtra: string]: unknown;
}

/**
 * The one call a send makes: which endpoint, the JSON body, and what the response is
 * matched against.
 *
 * @example
 * ```ts
 * const plan: PostmarkRequestPlan = planPostmarkRequest(prepared);
 * plan.endpoint; // "email/withTemplate"
 * ```
 */
export interface PostmarkRequestPlan {
  /** Relative to the API URL. */
  endpoint: "email" | "email/batch" | "email/withTemplate" | "email/batchWithTemplates";
  /** The JSON text to POST. */
  body: string;
  /** The `to` recipient of each batch message, in order; all of `to` for a single send. */
  to: readonly EmailAddress[];
  /** A per-message token from `espExtra.server_token`, else undefined (use the provider's). */
  serverToken?: string;
}

const list = (addresses: readonly EmailAddress[]) => addresses.map((a) => a.address).join(", ");

function attachmentPayload(attachment: NormalizedAttachment): PostmarkAttachmentPayload {
  const payload: PostmarkAttachmentPayload = {
    Name: attachment.filename ?? "",
    Content: toBase64(attachment.content),
    ContentType: attachment.contentType,
  };
  // Without a Content-ID an inline part can't be referenced: best effort is a plain attachment.
  if (attachment.inline && attachment.contentId) payload.ContentID = `cid:${attachment.contentId}`;
  return payload;
}

/** Postmark's TemplateId is numeric; anything else is a TemplateAlias. */
function templateField(templateId: string): { TemplateId: number } | { TemplateAlias: string } {
  if (/^\d+$/.test(templateId)) {
    const id = Number(templateId);
    if (Number.isSafeInteger(id)) return { TemplateId: id };
  }
  return { TemplateAlias: templateId };
}

function headerList(headers: Readonly<Record<string, string>>) {
  return Object.entries(headers).map(([Name, Value]) => ({ Name, Value }));
}

/** Global headers overridden by one recipient's, names compared case-insensitively. */
function mergeHeaderList(
  base: Readonly<Record<string, string>> | undefined,
  extra: Readonly<Record<string, string>>,
) {
  const merged = new Map<string, { Name: string; Value: string }>();
  for (const [Name, Value] of Object.entries(base ?? {}))
    merged.set(Name.toLowerCase(), { Name, Value });
  for (const [Name, Value] of Object.entries(extra)) {
    const key = Name.toLowerCase();
    // Keep the first spelling of the name, as a case-insensitive dict update does.
    merged.set(key, { Name: merged.get(key)?.Name ?? Name, Value });
  }
  return [...merged.values()];
}

function readServerToken(espExtra: Readonly<Record<string, unknown>> | undefined) {
  if (espExtra === undefined || !("server_token" in espExtra)) return undefined;
  const token = espExtra.server_token;
  // The value is a secret: errors name the field, never echo it.
  if (typeof token !== "string" || token.trim() === "" || /[\r\n]/.test(token)) {
    throw new AnymailSerializationError(
      "espExtra.server_token must be a non-empty Postmark server token without line breaks",
      { provider: "Postmark", field: "espExtra" },
    );
  }
  return token;
}

/** The fields every message of the send shares, with `espExtra` merged last. */
function basePayload(message: PreparedMessage): PostmarkMessagePayload {
  const data: PostmarkMessagePayload = { From: message.from.address };
  if (message.to.length > 0) data.To = list(message.to);
  if (message.cc.length > 0) data.Cc = list(message.cc);
  if (message.bcc.length > 0) data.Bcc = list(message.bcc);
  if (message.replyTo.length > 0) data.ReplyTo = list(message.replyTo);
  const withTemplate = message.templateId !== undefined;
  // A template supplies subject and bodies; Postmark refuses them beside one (features.ts
  // refuses non-empty ones; empty ones, or any under ignoreUnsupportedFeatures, are dropped).
  if (!withTemplate) {
    if (message.subject !== undefined) data.Subject = message.subject;
    if (message.text !== undefined) data.TextBody = message.text;
    if (message.html !== undefined) data.HtmlBody = message.html;
  }
  if (message.headers !== undefined) data.Headers = headerList(message.headers);
  if (message.attachments.length > 0) data.Attachments = message.attachments.map(attachmentPayload);
  if (message.metadata !== undefined) data.Metadata = { ...message.metadata };
  // One tag at most: a second is refused in features.ts, dropped as best effort.
  const tag = message.tags?.[0];
  if (tag !== undefined) data.Tag = tag;
  if (message.trackClicks !== undefined)
    data.TrackLinks = message.trackClicks ? "HtmlAndText" : "None";
  if (message.trackOpens !== undefined) data.TrackOpens = message.trackOpens;
  if (withTemplate) {
    Object.assign(data, templateField(message.templateId!));
    // Postmark requires a TemplateModel (possibly empty) with a template.
    data.TemplateModel = { ...(message.mergeGlobalData ?? {}) };
  }
  if (message.espExtra === undefined) return data;
  // The kit's one espExtra rule (a deep merge, last); server_token is a header, not JSON.
  const { server_token: _token, ...extra } = message.espExtra;
  return mergeEspExtra(data, extra) as PostmarkMessagePayload;
}

function payloadFor(
  base: PostmarkMessagePayload,
  message: PreparedMessage,
  to: EmailAddress,
): PostmarkMessagePayload {
  const data: PostmarkMessagePayload = { ...base, To: to.address };
  const mergeData = message.mergeData?.[to.addrSpec];
  if (mergeData !== undefined && base.TemplateModel !== undefined) {
    data.TemplateModel = { ...base.TemplateModel, ...mergeData };
  }
  const mergeMetadata = message.mergeMetadata?.[to.addrSpec];
  if (mergeMetadata !== undefined) data.Metadata = { ...(base.Metadata ?? {}), ...mergeMetadata };
  const mergeHeaders = message.mergeHeaders?.[to.addrSpec];
  if (mergeHeaders !== undefined) data.Headers = mergeHeaderList(message.headers, mergeHeaders);
  return data;
}

/**
 * Maps a prepared message to Postmark's request: `/email` or `/email/withTemplate` for one
 * message, `/email/batch` or `/email/batchWithTemplates` (one message per `to` recipient,
 * each with its merge data, metadata and headers) for a batch send.
 *
 * @example
 * ```ts
 * const plan = planPostmarkRequest(prepareMessage({ from: "a@example.com", to: "b@example.com", templateId: "welcome" }));
 * plan.endpoint; // "email/withTemplate"
 * JSON.parse(plan.body).TemplateAlias; // "welcome"
 * ```
 */
export function planPostmarkRequest(message: PreparedMessage): PostmarkRequestPlan {
  const serverToken = readServerToken(message.espExtra);
  const base = basePayload(message);
  const withTemplate = message.templateId !== undefined;
  const tokenField = serverToken === undefined ? {} : { serverToken };
  if (!message.isBatch) {
    return {
      endpoint: withTemplate ? "email/withTemplate" : "email",
      body: toJson("Postmark", base),
      to: message.to,
      ...tokenField,
    };
  }
  const messages = message.to.map((to) => payloadFor(base, message, to));
  return withTemplate
    ? {
        endpoint: "email/batchWithTemplates",
        body: toJson("Postmark", { Messages: messages }),
        to: message.to,
        ...tokenField,
      }
    : {
        endpoint: "email/batch",
        body: toJson("Postmark", messages),
        to: message.to,
        ...tokenField,
      };
}
