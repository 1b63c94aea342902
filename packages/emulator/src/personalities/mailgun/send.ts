import { randomBytes, randomUUID } from "node:crypto";
import type { FormBody } from "../../internal/http/body.js";
import { json, type RouteResponse } from "../../internal/http/io.js";
import type { EmailFields, SentAttachment, StoredEmail } from "../../types.js";
import type { RouteContext } from "../personality.js";
import { addrSpec, mailboxes } from "./addresses.js";
import { mailgunError } from "./errors.js";
import { substitute } from "./substitute.js";

const MAX_RECIPIENTS = 1000;
const THREE_DAYS_MS = 3 * 24 * 3600 * 1000;

class Invalid extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Mailgun-style message id: `<YYYYMMDDhhmmss.<hex>@<domain>>`. */
function mailgunMessageId(domain: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `<${stamp}.${randomBytes(8).toString("hex").toUpperCase()}@${domain}>`;
}

function requireAddresses(form: FormBody, field: "from" | "to" | "cc" | "bcc", required: boolean) {
  const list = mailboxes(form.getAll(field));
  if (required && list.length === 0) throw new Invalid(400, `${field} parameter is missing`);
  for (const mailbox of list) {
    if (addrSpec(mailbox) === null) {
      throw new Invalid(
        400,
        `${field} parameter is not a valid address. please check documentation`,
      );
    }
  }
  return list;
}

/** `o:deliverytime`: RFC 2822 (`Fri, 14 Oct 2011 23:10:10 -0000`), at most 3 days ahead. */
function deliveryTime(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const rfc2822 =
    /^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|GMT|UT|UTC|[A-Z]{3})$/;
  const at = Date.parse(value);
  if (!rfc2822.test(value.trim()) || Number.isNaN(at)) {
    throw new Invalid(
      400,
      `'${value}' is not a valid value for 'o:deliverytime'. Use RFC 2822 date format`,
    );
  }
  if (at - now > THREE_DAYS_MS) {
    throw new Invalid(400, "Delivery time cannot be more than 3 days in the future");
  }
  return at;
}

function jsonObjectField(form: FormBody, field: string): Record<string, unknown> | undefined {
  const value = form.get(field);
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Invalid(400, `${field} parameter is not a valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Invalid(400, `${field} parameter is not a valid JSON`);
  }
  return parsed as Record<string, unknown>;
}

function attachmentsOf(form: FormBody): SentAttachment[] {
  return form.files
    .filter((file) => file.field === "attachment" || file.field === "inline")
    .map((file) => ({
      id: randomUUID(),
      filename: file.filename,
      content: Buffer.from(file.content).toString("base64"),
      path: null,
      contentType: file.contentType,
      // Mailgun uses an inline part's filename as its Content-ID.
      contentId: file.field === "inline" ? file.filename : null,
      size: file.content.byteLength,
    }));
}

/** The neutral fields of one message; `personalize` applies batch substitution. */
function fieldsOf(
  form: FormBody,
  to: string[],
  personalize: (text: string) => string,
): EmailFields {
  const headers: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  let replyTo: string[] | null = null;
  for (const [name, values] of form.fields) {
    const value = personalize(values.at(-1) ?? "");
    if (name.toLowerCase() === "h:reply-to") replyTo = mailboxes([value]);
    else if (name.startsWith("h:")) headers[name.slice(2)] = value;
    else if (name.startsWith("v:")) metadata[name.slice(2)] = value;
  }
  // Custom data can also come as one JSON header.
  const variablesHeader = Object.entries(headers).find(
    ([name]) => name.toLowerCase() === "x-mailgun-variables",
  );
  if (variablesHeader) {
    try {
      const parsed: unknown = JSON.parse(variablesHeader[1]);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        for (const [key, value] of Object.entries(parsed)) {
          metadata[key] ??= typeof value === "string" ? value : JSON.stringify(value);
        }
      }
    } catch {
      throw new Invalid(400, "X-Mailgun-Variables header is not a valid JSON object");
    }
  }
  const template = form.get("template");
  const cc = mailboxes(form.getAll("cc"));
  const bcc = mailboxes(form.getAll("bcc"));
  const text = form.get("text");
  const html = form.get("html");
  return {
    from: form.get("from")!,
    to,
    cc: cc.length > 0 ? cc : null,
    bcc: bcc.length > 0 ? bcc : null,
    replyTo,
    subject: personalize(form.get("subject") ?? ""),
    html: html === undefined ? null : personalize(html),
    text: text === undefined ? null : personalize(text),
    headers: Object.keys(headers).length > 0 ? headers : null,
    tags: [...form.getAll("o:tag")],
    metadata,
    attachments: attachmentsOf(form),
    template:
      template === undefined
        ? null
        : {
            id: template,
            variables: { ...(jsonObjectField(form, "t:variables") ?? {}), ...metadata },
          },
  };
}

function accept(
  ctx: RouteContext,
  fields: EmailFields,
  scheduledAt: number | null,
  batch: boolean,
  messageId: string,
): StoredEmail {
  const email = ctx.emu.accept(fields, {
    request: { ...ctx.form!.toJSON(), domain: ctx.params[0]! },
    apiKey: ctx.apiKey,
    idempotencyKey: null,
    batch,
    scheduledAt,
  });
  // One id for the whole send, batch members included, as Mailgun answers.
  email.messageId = messageId;
  return email;
}

function handle(ctx: RouteContext, mime: boolean): RouteResponse {
  try {
    const form = ctx.form;
    if (!form)
      throw new Invalid(
        400,
        "Content-Type must be multipart/form-data or application/x-www-form-urlencoded",
      );
    const domain = ctx.params[0]!;
    const now = ctx.emu.now();
    const to = requireAddresses(form, "to", true);
    const cc = requireAddresses(form, "cc", false);
    const bcc = requireAddresses(form, "bcc", false);
    if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
      throw new Invalid(400, `Too many recipients: at most ${MAX_RECIPIENTS} per message`);
    }
    const scheduledAt = deliveryTime(form.get("o:deliverytime"), now);
    const messageId = mailgunMessageId(domain, now);

    if (mime) {
      const message = form.files.find((file) => file.field === "message");
      if (!message) throw new Invalid(400, "message parameter is missing");
      const raw = Buffer.from(message.content).toString("utf8");
      const header = (name: string) =>
        new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, "im")
          .exec(raw.split(/\r?\n\r?\n/)[0] ?? "")?.[1]
          ?.replace(/\r?\n[ \t]+/g, " ");
      accept(
        ctx,
        {
          from: header("From") ?? "",
          to,
          cc: null,
          bcc: null,
          replyTo: null,
          subject: header("Subject") ?? "",
          html: null,
          text: raw,
          headers: null,
          tags: [...form.getAll("o:tag")],
          metadata: {},
          attachments: [],
          template: null,
        },
        scheduledAt,
        false,
        messageId,
      );
      return json(200, { id: messageId, message: "Queued. Thank you." });
    }

    requireAddresses(form, "from", true);
    if (
      form.get("text") === undefined &&
      form.get("html") === undefined &&
      form.get("template") === undefined
    ) {
      throw new Invalid(
        400,
        "Need at least one of 'text', 'html' or 'template' parameters specified",
      );
    }
    const variables = jsonObjectField(form, "recipient-variables");
    if (variables === undefined) {
      accept(
        ctx,
        fieldsOf(form, to, (text) => text),
        scheduledAt,
        false,
        messageId,
      );
    } else {
      // Batch: one message per `to` recipient, personalized with its recipient variables.
      for (const mailbox of to) {
        const address = addrSpec(mailbox)!;
        const own = variables[address];
        const data =
          typeof own === "object" && own !== null ? (own as Record<string, unknown>) : undefined;
        accept(
          ctx,
          fieldsOf(form, [mailbox], (text) => substitute(text, address, data)),
          scheduledAt,
          true,
          messageId,
        );
      }
    }
    return json(200, { id: messageId, message: "Queued. Thank you." });
  } catch (error) {
    if (error instanceof Invalid) return mailgunError(error.status, error.message);
    throw error;
  }
}

/** `POST /v3/{domain}/messages`: form fields, files `attachment` / `inline`. */
export const sendMessage = (ctx: RouteContext) => handle(ctx, false);
/** `POST /v3/{domain}/messages.mime`: `to` plus a `message` file holding the MIME. */
export const sendMime = (ctx: RouteContext) => handle(ctx, true);
