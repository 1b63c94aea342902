import {
  type Attachment,
  AnymailSerializationError,
  type EmailMessage,
  type MetadataValue,
} from "@anymail/core";

/** A file picked on the page, sent as base64 because JSON can't carry bytes. */
export interface ComposeFile {
  filename?: string;
  contentType?: string;
  contentBase64: string;
}

/** One row of the batch table: a `to` address and its per-recipient JSON texts. */
export interface ComposeBatchRecipient {
  to: string;
  mergeMetadata?: string;
  mergeData?: string;
  mergeHeaders?: string;
}

/**
 * What the compose form posts. Text fields stay text (an empty string means unset) and
 * JSON fields stay unparsed, so a typo is reported by the server as a typed error naming
 * the field, exactly as the library would report it.
 */
export interface ComposeRequest {
  from?: string;
  to?: string;
  cc?: string;
  bcc?: string;
  replyTo?: string;
  subject?: string;
  text?: string;
  html?: string;
  attachments?: ComposeFile[];
  inlineImages?: ComposeFile[];
  headers?: { name: string; value: string }[];
  tags?: string;
  metadata?: string;
  sendAt?: string;
  trackClicks?: boolean;
  trackOpens?: boolean;
  templateId?: string;
  mergeGlobalData?: string;
  envelopeSender?: string;
  idempotencyKey?: string;
  espExtra?: string;
  batch?: ComposeBatchRecipient[];
}

/** The message to send plus the content ids given to inline images, for the page to show. */
export interface ComposedMessage {
  message: EmailMessage;
  inlineImageCids: { filename?: string; cid: string }[];
}

/** Builds an inline image attachment; injected so the playground uses core's `inlineImage`. */
export type InlineImageFactory = (
  content: Uint8Array,
  options: { filename?: string; contentType?: string },
) => { attachment: Attachment; cid: string };

/**
 * Turns the posted form into an `EmailMessage`. Throws `AnymailSerializationError` naming
 * the field for JSON that doesn't parse or has the wrong shape.
 */
export function composeMessage(
  form: ComposeRequest,
  inlineImage: InlineImageFactory,
): ComposedMessage {
  const message: EmailMessage = {};
  const set = <K extends keyof EmailMessage>(key: K, value: EmailMessage[K] | undefined) => {
    if (value !== undefined) message[key] = value;
  };

  set("from", nonEmpty(form.from));
  set("cc", nonEmpty(form.cc));
  set("bcc", nonEmpty(form.bcc));
  set("replyTo", nonEmpty(form.replyTo));
  set("subject", nonEmpty(form.subject));
  set("text", nonEmpty(form.text));
  set("templateId", nonEmpty(form.templateId));
  set("envelopeSender", nonEmpty(form.envelopeSender));
  set("idempotencyKey", nonEmpty(form.idempotencyKey));
  set("sendAt", nonEmpty(form.sendAt));
  // An unticked box means "not set", which is what a developer means by leaving it alone.
  if (form.trackClicks === true) message.trackClicks = true;
  if (form.trackOpens === true) message.trackOpens = true;

  const tags = nonEmpty(form.tags)
    ?.split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  set("tags", tags);
  set("metadata", parseJsonObject(form.metadata, "metadata") as Record<string, MetadataValue>);
  set("espExtra", parseJsonObject(form.espExtra, "espExtra"));
  set("mergeGlobalData", parseJsonObject(form.mergeGlobalData, "mergeGlobalData"));

  const headerRows = (form.headers ?? []).filter((row) => row.name.trim() !== "");
  if (headerRows.length > 0) {
    message.headers = Object.fromEntries(headerRows.map((row) => [row.name.trim(), row.value]));
  }

  const batch = (form.batch ?? []).filter((row) => row.to.trim() !== "");
  if (batch.length > 0) {
    message.to = batch.map((row) => row.to.trim());
    const perRecipient = { mergeMetadata: {}, mergeData: {}, mergeHeaders: {} } as Record<
      "mergeMetadata" | "mergeData" | "mergeHeaders",
      Record<string, Record<string, unknown>>
    >;
    for (const row of batch) {
      for (const field of ["mergeMetadata", "mergeData", "mergeHeaders"] as const) {
        const data = parseJsonObject(row[field], `${field} (${row.to.trim()})`);
        if (data !== undefined) perRecipient[field][addrSpecOf(row.to)] = data;
      }
    }
    // Every row's metadata entry exists (an empty one still asks for a batch, as before);
    // mergeData and mergeHeaders only when some row has them.
    message.mergeMetadata = Object.fromEntries(
      batch.map((row) => [
        addrSpecOf(row.to),
        perRecipient.mergeMetadata[addrSpecOf(row.to)] ?? {},
      ]),
    );
    if (Object.keys(perRecipient.mergeData).length > 0) message.mergeData = perRecipient.mergeData;
    if (Object.keys(perRecipient.mergeHeaders).length > 0) {
      message.mergeHeaders = perRecipient.mergeHeaders as Record<string, Record<string, string>>;
    }
    const extraTo = nonEmpty(form.to);
    if (extraTo !== undefined) message.to = [extraTo, ...message.to];
  } else {
    set("to", nonEmpty(form.to));
  }

  const attachments: Attachment[] = (form.attachments ?? []).map((file) => ({
    ...(file.filename ? { filename: file.filename } : {}),
    ...(file.contentType ? { contentType: file.contentType } : {}),
    content: decodeBase64(file.contentBase64, "attachments"),
  }));
  let html = nonEmpty(form.html);
  const inlineImageCids: ComposedMessage["inlineImageCids"] = [];
  for (const file of form.inlineImages ?? []) {
    const { attachment, cid } = inlineImage(decodeBase64(file.contentBase64, "inline images"), {
      ...(file.filename ? { filename: file.filename } : {}),
      ...(file.contentType ? { contentType: file.contentType } : {}),
    });
    attachments.push(attachment);
    inlineImageCids.push({ ...(file.filename ? { filename: file.filename } : {}), cid });
    html = placeInlineImage(html, file.filename, cid);
  }
  if (attachments.length > 0) message.attachments = attachments;
  set("html", html);

  return { message, inlineImageCids };
}

/**
 * The page lets people write `cid:<filename>` before the real content id exists; swap it in,
 * or append the image when the html doesn't mention it, so a picked image is always visible.
 */
function placeInlineImage(html: string | undefined, filename: string | undefined, cid: string) {
  const placeholder = filename ? `cid:${filename}` : undefined;
  if (html !== undefined && placeholder !== undefined && html.includes(placeholder)) {
    return html.split(placeholder).join(`cid:${cid}`);
  }
  const img = `<img src="cid:${cid}" alt="${escapeAttribute(filename ?? "image")}">`;
  return html === undefined ? img : `${html}\n${img}`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function addrSpecOf(address: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(address);
  return (angle?.[1] ?? address).trim();
}

function parseJsonObject(text: string | undefined, field: string) {
  if (nonEmpty(text) === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text as string);
  } catch (cause) {
    throw new AnymailSerializationError(`${field} is not valid JSON: ${(cause as Error).message}`, {
      field,
      cause,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AnymailSerializationError(`${field} must be a JSON object like {"key": "value"}`, {
      field,
    });
  }
  return value as Record<string, unknown>;
}

function decodeBase64(text: string, field: string): Uint8Array {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new AnymailSerializationError(`${field}: file content is not base64`, { field });
  }
  return new Uint8Array(Buffer.from(text, "base64"));
}
