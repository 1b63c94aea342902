import { AnymailSerializationError, type PreparedMessage } from "@anymail/core";
import type { MailgunFormEntry } from "./internal/form-entries.js";
import { titleCaseHeaderName } from "./internal/header-names.js";
import { planRecipientVariables } from "./internal/recipient-variables.js";
import { toDeliveryTime } from "./internal/rfc2822.js";
import { invalidSenderDomainReason } from "./internal/sender-domain.js";

export type {
  MailgunFieldEntry,
  MailgunFileEntry,
  MailgunFormEntry,
} from "./internal/form-entries.js";

/**
 * One `POST {apiUrl}/{senderDomain}/messages` call, before encoding.
 *
 * @example
 * ```ts
 * const request: MailgunSendRequest = planMailgunRequest(prepared, { senderDomain: "mg.example.com" });
 * request.senderDomain; // "mg.example.com"
 * request.entries.find((e) => e.name === "subject"); // { name: "subject", value: "Hi" }
 * ```
 */
export interface MailgunSendRequest {
  /** The domain in the URL path (not yet encoded). */
  readonly senderDomain: string;
  /** Form fields then file parts, in order. */
  readonly entries: readonly MailgunFormEntry[];
}

/**
 * Options of {@link planMailgunRequest}.
 *
 * @example
 * ```ts
 * const options: MailgunPlanOptions = { senderDomain: "mg.example.com" };
 * ```
 */
export interface MailgunPlanOptions {
  /** The configured sender domain, used unless the message names one. */
  senderDomain?: string;
}

/** Form field values: strings as they are, anything else as JSON (Mailgun parses JSON in `v:` fields). */
function fieldValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

/**
 * The sender domain of a message, by anymail's precedence: `espExtra.sender_domain`, then the
 * `envelopeSender`'s domain (only the domain is used), then the configured `senderDomain`,
 * then the `from` domain.
 */
function chooseSenderDomain(message: PreparedMessage, configured: string | undefined): string {
  const extra = message.espExtra?.sender_domain;
  if (extra !== undefined && typeof extra !== "string") {
    throw new AnymailSerializationError("espExtra.sender_domain must be a string", {
      provider: "Mailgun",
      field: "espExtra",
    });
  }
  const domain = extra ?? message.envelopeSender?.domain ?? configured ?? message.from.domain;
  const reason = invalidSenderDomainReason(domain);
  if (reason !== undefined) {
    throw new AnymailSerializationError(reason, { provider: "Mailgun", field: "senderDomain" });
  }
  return domain;
}

/**
 * Converts a prepared message to Mailgun's form fields, following anymail's Mailgun backend:
 * repeated `to`/`cc`/`bcc`, `h:Reply-To`, `h:<Title-Case-Name>` headers, `v:` custom data,
 * `o:tag`, `o:deliverytime` (RFC 2822), `o:tracking-*`, `template`, `recipient-variables`
 * for batch sends, `attachment`/`inline` file parts, and `espExtra` merged last (a list
 * repeats the field, `null` removes it, `sender_domain` picks the domain).
 *
 * @example
 * ```ts
 * const { senderDomain, entries } = planMailgunRequest(prepareMessage(message));
 * ```
 */
export function planMailgunRequest(
  message: PreparedMessage,
  options: MailgunPlanOptions = {},
): MailgunSendRequest {
  const senderDomain = chooseSenderDomain(message, options.senderDomain);
  // Field name → one value or a repeated list, in insertion order.
  const data = new Map<string, string | string[]>();

  data.set("from", message.from.address);
  if (message.to.length > 0)
    data.set(
      "to",
      message.to.map((a) => a.address),
    );
  if (message.cc.length > 0)
    data.set(
      "cc",
      message.cc.map((a) => a.address),
    );
  if (message.bcc.length > 0)
    data.set(
      "bcc",
      message.bcc.map((a) => a.address),
    );
  if (message.subject !== undefined) data.set("subject", message.subject);
  if (message.replyTo.length > 0) {
    data.set("h:Reply-To", message.replyTo.map((a) => a.address).join(", "));
  }
  const headerValues = new Map<string, string>();
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const titled = titleCaseHeaderName(name);
    headerValues.set(titled, value);
    data.set(`h:${titled}`, value);
  }
  if (message.text !== undefined) data.set("text", message.text);
  if (message.html !== undefined) data.set("html", message.html);
  if (message.sendAt !== undefined) data.set("o:deliverytime", toDeliveryTime(message.sendAt));
  if (message.tags !== undefined) data.set("o:tag", [...message.tags]);
  if (message.trackClicks !== undefined) {
    data.set("o:tracking-clicks", message.trackClicks ? "yes" : "no");
  }
  if (message.trackOpens !== undefined) {
    data.set("o:tracking-opens", message.trackOpens ? "yes" : "no");
  }
  if (message.templateId !== undefined) data.set("template", message.templateId);

  const plan = planRecipientVariables(message, headerValues);
  for (const [name, value] of plan.headerFields) data.set(`h:${name}`, value);
  for (const [key, value] of plan.customData) data.set(`v:${key}`, fieldValue(value));
  if (plan.recipientVariables !== undefined) {
    data.set("recipient-variables", plan.recipientVariables);
  }

  for (const [name, value] of Object.entries(message.espExtra ?? {})) {
    if (name === "sender_domain") continue;
    if (value === null || value === undefined) data.delete(name);
    else if (Array.isArray(value)) data.set(name, value.map(fieldValue));
    else data.set(name, fieldValue(value));
  }

  const entries: MailgunFormEntry[] = [];
  for (const [name, value] of data) {
    if (typeof value === "string") entries.push({ name, value });
    else for (const one of value) entries.push({ name, value: one });
  }
  for (const attachment of message.attachments) {
    if (attachment.inline) {
      // Mailgun takes an inline part's filename as its Content-ID. One without an id is
      // refused before sending (feature table); best effort sends it as an attachment.
      if (attachment.contentId !== undefined) {
        entries.push({
          name: "inline",
          filename: attachment.contentId,
          contentType: attachment.contentType,
          content: attachment.content,
        });
        continue;
      }
    }
    entries.push({
      name: "attachment",
      // Mailgun silently drops a file part without a filename.
      filename: attachment.filename ?? "attachment",
      contentType: attachment.contentType,
      content: attachment.content,
    });
  }
  return { senderDomain, entries };
}
