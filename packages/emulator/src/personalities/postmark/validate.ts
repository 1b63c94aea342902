import { randomUUID } from "node:crypto";
import type { EmailFields, SentAttachment } from "../../types.js";
import { type Mailbox, parseAddressField } from "./address.js";
import { ERROR } from "./api-error.js";
import { isInactive } from "./test-addresses.js";

/** Postmark's answer for one message that can't be sent. */
export interface MessageError {
  ErrorCode: number;
  Message: string;
}

/** A message that passed validation. */
export interface ValidMessage {
  fields: EmailFields;
  /** Recipients Postmark would deliver to. */
  deliverable: Mailbox[];
  /** Recipients on the inactive list, left out of the delivery. */
  inactive: Mailbox[];
  /** The `To` field as sent (Postmark echoes it), or undefined for a cc/bcc-only message. */
  to?: string;
}

const MAX_RECIPIENTS = 50;
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const TRACK_LINKS = new Set(["None", "HtmlAndText", "HtmlOnly", "TextOnly"]);
// Postmark's list is longer; these are the ones people try.
const FORBIDDEN_EXTENSIONS = new Set([
  "exe",
  "bat",
  "cmd",
  "com",
  "scr",
  "vbs",
  "js",
  "jar",
  "msi",
  "dll",
]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const invalid = (Message: string): MessageError => ({ ErrorCode: ERROR.invalidRequest, Message });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function addressField(
  message: Record<string, unknown>,
  name: "To" | "Cc" | "Bcc" | "ReplyTo",
): Mailbox[] | MessageError {
  const value = message[name];
  if (value === undefined || value === null || value === "") return [];
  const label = name === "ReplyTo" ? "Reply-To" : name;
  if (typeof value !== "string") return invalid(`Invalid '${label}' address: '${String(value)}'.`);
  const parsed = parseAddressField(value);
  if ("bad" in parsed) {
    return name === "To"
      ? invalid(`Invalid 'To' address: '${parsed.bad}'.`)
      : invalid(`Error parsing '${label}': Illegal email address '${parsed.bad}'.`);
  }
  return parsed.ok;
}

function attachmentsOf(value: unknown): SentAttachment[] | MessageError {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalid("Invalid 'Attachments' value: expected a list.");
  const attachments: SentAttachment[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.Name !== "string" || typeof item.Content !== "string") {
      return invalid("Each attachment needs a 'Name' and base64 'Content'.");
    }
    const content = item.Content.replace(/\s+/g, "");
    if (!BASE64.test(content) || content.length % 4 === 1) {
      return invalid(`Invalid attachment content for '${item.Name}': not base64.`);
    }
    const extension = /\.([^.]+)$/.exec(item.Name)?.[1]?.toLowerCase();
    if (extension !== undefined && FORBIDDEN_EXTENSIONS.has(extension)) {
      return invalid(`Forbidden attachment type: '${item.Name}'.`);
    }
    const contentId = typeof item.ContentID === "string" ? item.ContentID : null;
    attachments.push({
      id: randomUUID(),
      filename: item.Name === "" ? null : item.Name,
      content,
      path: null,
      contentType: typeof item.ContentType === "string" ? item.ContentType : null,
      contentId: contentId?.replace(/^cid:/i, "") ?? null,
      size: Math.floor((content.length * 3) / 4) - (content.match(/=+$/)?.[0].length ?? 0),
    });
  }
  return attachments;
}

function headersOf(value: unknown): Record<string, string> | null | MessageError {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value))
    return invalid("Invalid 'Headers' value: expected a list of {Name, Value}.");
  const headers: Record<string, string> = {};
  for (const item of value) {
    if (!isObject(item) || typeof item.Name !== "string" || item.Name === "") {
      return invalid("Invalid 'Headers' value: each header needs a 'Name'.");
    }
    headers[item.Name] = item.Value === undefined || item.Value === null ? "" : String(item.Value);
  }
  return headers;
}

function metadataOf(value: unknown): Record<string, string> | MessageError {
  if (value === undefined || value === null) return {};
  const bad = invalid(
    "Invalid metadata content. Field names are limited to 20 characters, values to 80 characters, and values must be strings or numbers.",
  );
  if (!isObject(value)) return bad;
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.length > 20 || (typeof item !== "string" && typeof item !== "number")) return bad;
    const text = String(item);
    if (text.length > 80) return bad;
    metadata[key] = text;
  }
  return metadata;
}

const isError = (value: unknown): value is MessageError =>
  isObject(value) && typeof value.ErrorCode === "number";

/** Validates one message of `/email` or a batch, as Postmark does; `template` for the template endpoints. */
export function validateMessage(message: unknown, template: boolean): ValidMessage | MessageError {
  if (!isObject(message))
    return { ErrorCode: ERROR.invalidJson, Message: "Received invalid JSON input." };
  if (JSON.stringify(message).length > MAX_MESSAGE_BYTES) {
    return invalid("Message size exceeds the 10 MB limit.");
  }
  const from = typeof message.From === "string" ? message.From : "";
  const fromParsed = parseAddressField(from);
  if (from === "" || "bad" in fromParsed || fromParsed.ok.length === 0) {
    return invalid(`Invalid 'From' address: '${from}'.`);
  }
  const lists: Record<string, Mailbox[]> = {};
  for (const name of ["To", "Cc", "Bcc", "ReplyTo"] as const) {
    const parsed = addressField(message, name);
    if (isError(parsed)) return parsed;
    lists[name] = parsed;
  }
  const recipients = [...lists.To!, ...lists.Cc!, ...lists.Bcc!];
  if (recipients.length === 0) return invalid("Zero recipients specified");
  if (recipients.length > MAX_RECIPIENTS) {
    return invalid(
      `Too many recipients (${recipients.length}): a message may have at most ${MAX_RECIPIENTS}.`,
    );
  }

  let templateRef: EmailFields["template"] = null;
  if (template) {
    const hasId = message.TemplateId !== undefined && message.TemplateId !== null;
    const hasAlias = typeof message.TemplateAlias === "string" && message.TemplateAlias !== "";
    if (hasId === hasAlias)
      return invalid("Provide either a 'TemplateId' or a 'TemplateAlias', not both.");
    if (hasId && !Number.isInteger(message.TemplateId))
      return invalid("'TemplateId' must be a number.");
    if (!isObject(message.TemplateModel)) return invalid("The 'TemplateModel' field is required.");
    for (const field of ["Subject", "HtmlBody", "TextBody"]) {
      if (message[field] !== undefined && message[field] !== null) {
        return invalid(`'${field}' can't be used with a template: the template supplies it.`);
      }
    }
    templateRef = {
      id: hasId ? String(message.TemplateId) : (message.TemplateAlias as string),
      variables: { ...message.TemplateModel },
    };
  } else if (
    (typeof message.TextBody !== "string" || message.TextBody === "") &&
    (typeof message.HtmlBody !== "string" || message.HtmlBody === "")
  ) {
    return invalid("Provide either email TextBody or HtmlBody or both.");
  }

  if (message.Tag !== undefined && message.Tag !== null) {
    if (typeof message.Tag !== "string" || message.Tag.length > 1000) {
      return invalid("Invalid 'Tag': a string of at most 1000 characters.");
    }
  }
  if (message.TrackOpens !== undefined && typeof message.TrackOpens !== "boolean") {
    return invalid("Invalid 'TrackOpens' value: expected true or false.");
  }
  if (message.TrackLinks !== undefined && !TRACK_LINKS.has(String(message.TrackLinks))) {
    return invalid("Invalid 'TrackLinks' value: None, HtmlAndText, HtmlOnly or TextOnly.");
  }
  const headers = headersOf(message.Headers);
  if (isError(headers)) return headers;
  const metadata = metadataOf(message.Metadata);
  if (isError(metadata)) return metadata;
  const attachments = attachmentsOf(message.Attachments);
  if (isError(attachments)) return attachments;

  const inactive = recipients.filter((mailbox) => isInactive(mailbox.addrSpec));
  const deliverable = recipients.filter((mailbox) => !isInactive(mailbox.addrSpec));
  const keep = (list: Mailbox[]) =>
    list.filter((mailbox) => !isInactive(mailbox.addrSpec)).map((mailbox) => mailbox.text);
  const texts = (list: Mailbox[]) => (list.length === 0 ? null : list.map((m) => m.text));
  const fields: EmailFields = {
    from,
    to: keep(lists.To!),
    cc: texts(lists.Cc!.filter((m) => !isInactive(m.addrSpec))),
    bcc: texts(lists.Bcc!.filter((m) => !isInactive(m.addrSpec))),
    replyTo: texts(lists.ReplyTo!),
    subject: typeof message.Subject === "string" ? message.Subject : "",
    html: typeof message.HtmlBody === "string" ? message.HtmlBody : null,
    text: typeof message.TextBody === "string" ? message.TextBody : null,
    headers,
    tags: typeof message.Tag === "string" && message.Tag !== "" ? [message.Tag] : [],
    metadata,
    attachments,
    template: templateRef,
  };
  return {
    fields,
    deliverable,
    inactive,
    ...(typeof message.To === "string" && message.To !== "" ? { to: message.To } : {}),
  };
}
