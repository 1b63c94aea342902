import { parseAddress, parseAddressList } from "./address.js";
import { normalizeAttachment } from "./attachments.js";
import { AnymailInvalidAddress, AnymailSerializationError } from "./errors.js";
import { applyAddressHeaders } from "./internal/address-headers.js";
import { formatSendAt } from "./internal/send-at.js";
import { assertJsonSerializable, describeType, safeEntries } from "./internal/objects.js";
import {
  assertHeaderSafe,
  assertWellFormed,
  espExtraHeaders,
  prepareHeaders,
} from "./internal/header-policy.js";
import { withoutNulls } from "./internal/nulls.js";
import type { AddressList, Attachment, EmailMessage } from "./message.js";
import type { EmailAddress, PreparedMessage } from "./prepared.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Validates and normalizes a message into what providers receive: addresses parsed and
 * IDNA-encoded, attachments as bytes with content types, header values as strings,
 * `sendAt` as ISO 8601, merge keys checked as addresses. Defaults are not applied here
 * (`createMailer` does that first).
 *
 * @throws AnymailInvalidAddress for a missing or bad address, no recipients, or a bad
 *   merge key; AnymailSerializationError for a value that cannot be sent (CR/LF in a
 *   subject or header, a non-string header, non-JSON metadata, an invalid Date, ...)
 * @example
 * ```ts
 * const prepared = prepareMessage({ from: "shop@example.com", to: "Ana <ana@example.org>", subject: "Hi" });
 * prepared.to[0]?.addrSpec; // "ana@example.org"
 * ```
 */
export function prepareMessage(input: EmailMessage): PreparedMessage {
  if (typeof input !== "object" || input === null) {
    throw new AnymailSerializationError(
      `The message must be an object, got ${describeType(input)}`,
    );
  }
  // `null` opts out of a default (anymail's None); without defaults it simply means unset.
  const message = withoutNulls(input);
  if (message.from === undefined || message.from === "") {
    throw new AnymailInvalidAddress(
      "Missing `from` address: set it on the message or in the mailer's defaults",
      { field: "from", input: message.from ?? "" },
    );
  }
  const prepared: Mutable<PreparedMessage> = {
    from: parseAddress(expectString(message.from, "from"), "from"),
    to: parseOptionalList(message.to, "to"),
    cc: parseOptionalList(message.cc, "cc"),
    bcc: parseOptionalList(message.bcc, "bcc"),
    replyTo: parseOptionalList(message.replyTo, "replyTo"),
    attachments: prepareAttachments(message.attachments),
    isBatch: false,
  };
  if (prepared.to.length + prepared.cc.length + prepared.bcc.length === 0) {
    throw new AnymailInvalidAddress("No recipients: set at least one of `to`, `cc` or `bcc`", {
      field: "to",
      input: "",
    });
  }

  if (message.subject !== undefined) prepared.subject = singleLine(message.subject, "subject");
  if (message.text !== undefined) prepared.text = expectString(message.text, "text");
  if (message.html !== undefined) prepared.html = expectString(message.html, "html");
  if (message.headers !== undefined) prepared.headers = prepareHeaders(message.headers, "headers");
  if (message.tags !== undefined) prepared.tags = prepareTags(message.tags);
  if (message.metadata !== undefined) {
    prepared.metadata = prepareJsonObject(message.metadata, "metadata");
  }
  if (message.sendAt !== undefined) prepared.sendAt = formatSendAt(message.sendAt);
  if (message.trackClicks !== undefined) {
    prepared.trackClicks = expectBoolean(message.trackClicks, "trackClicks");
  }
  if (message.trackOpens !== undefined) {
    prepared.trackOpens = expectBoolean(message.trackOpens, "trackOpens");
  }
  if (message.templateId !== undefined) {
    prepared.templateId = singleLine(message.templateId, "templateId");
  }
  const recipients = isBatchMessage(message) ? recipientAddrSpecs(prepared) : undefined;
  if (message.mergeData !== undefined) {
    prepared.mergeData = preparePerRecipient(
      message.mergeData,
      "mergeData",
      prepareJsonObject,
      recipients,
    );
  }
  if (message.mergeGlobalData !== undefined) {
    prepared.mergeGlobalData = prepareJsonObject(message.mergeGlobalData, "mergeGlobalData");
  }
  if (message.mergeMetadata !== undefined) {
    prepared.mergeMetadata = preparePerRecipient(
      message.mergeMetadata,
      "mergeMetadata",
      prepareJsonObject,
      recipients,
    );
  }
  if (message.mergeHeaders !== undefined) {
    prepared.mergeHeaders = preparePerRecipient(
      message.mergeHeaders,
      "mergeHeaders",
      prepareHeaders,
      recipients,
    );
  }
  if (message.envelopeSender !== undefined) {
    prepared.envelopeSender = parseAddress(
      expectString(message.envelopeSender, "envelopeSender"),
      "envelopeSender",
    );
  }
  if (message.espExtra !== undefined) {
    prepared.espExtra = prepareJsonObject(message.espExtra, "espExtra");
    espExtraHeaders(prepared.espExtra);
  }
  applyAddressHeaders(prepared);
  prepared.isBatch = isBatchMessage(prepared);
  return prepared;
}

/** A send is a batch when any per-recipient field is set, even to `{}` (as in anymail). */
export function isBatchMessage(
  message: Pick<PreparedMessage, "mergeData" | "mergeMetadata" | "mergeHeaders">,
): boolean {
  return (
    message.mergeData !== undefined ||
    message.mergeMetadata !== undefined ||
    message.mergeHeaders !== undefined
  );
}

function parseOptionalList(value: AddressList | undefined, field: string): EmailAddress[] {
  return value === undefined ? [] : parseAddressList(value, field);
}

function prepareAttachments(value: readonly Attachment[] | undefined) {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new AnymailSerializationError(
      `\`attachments\` must be an array, got ${describeType(value)}`,
      { field: "attachments" },
    );
  }
  return value.map((attachment, index) => normalizeAttachment(attachment, `attachments[${index}]`));
}

function prepareTags(value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new AnymailSerializationError(`\`tags\` must be an array of strings`, { field: "tags" });
  }
  return value.map((tag, index) => {
    if (typeof tag !== "string") {
      throw new AnymailSerializationError(
        `\`tags[${index}]\` must be a string, got ${describeType(tag)}`,
        { field: "tags" },
      );
    }
    assertHeaderSafe(tag, `tags[${index}]`, "tags");
    return tag;
  });
}

function prepareJsonObject(value: unknown, field: string): Record<string, unknown> {
  const entries = safeEntries(value, field);
  assertJsonSerializable(value, field);
  return Object.fromEntries(entries);
}

/** The addr-specs of every recipient, already parsed: merge keys usually are exactly these. */
function recipientAddrSpecs(prepared: Pick<PreparedMessage, "to" | "cc" | "bcc">): Set<string> {
  const specs = new Set<string>();
  for (const list of [prepared.to, prepared.cc, prepared.bcc]) {
    for (const address of list) specs.add(address.addrSpec);
  }
  return specs;
}

/**
 * Keys become the parsed addr-spec so they match `EmailAddress.addrSpec` (IDNA included).
 * A key that already is a recipient's addr-spec is one (parsing an addr-spec gives it back
 * unchanged), so only other keys are parsed.
 */
function preparePerRecipient<T>(
  value: unknown,
  field: string,
  prepareOne: (data: unknown, field: string) => T,
  recipients: ReadonlySet<string> | undefined,
): Record<string, T> {
  const result: Record<string, T> = {};
  for (const [key, data] of safeEntries(value, field)) {
    const addrSpec = recipients?.has(key) ? key : parseAddress(key, field).addrSpec;
    if (Object.hasOwn(result, addrSpec)) {
      throw new AnymailSerializationError(`\`${field}\` has two entries for ${addrSpec}`, {
        field,
      });
    }
    result[addrSpec] = prepareOne(data, `${field}.${key}`);
  }
  return result;
}

function expectString(value: unknown, field: string): string {
  if (typeof value !== "string") {
    throw new AnymailSerializationError(
      `\`${field}\` must be a string, got ${describeType(value)}`,
      {
        field,
      },
    );
  }
  assertWellFormed(value, field, field);
  return value;
}

function singleLine(value: unknown, field: string): string {
  const text = expectString(value, field);
  assertHeaderSafe(text, field, field);
  return text;
}

function expectBoolean(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") {
    throw new AnymailSerializationError(
      `\`${field}\` must be a boolean, got ${describeType(value)}`,
      {
        field,
      },
    );
  }
  return value;
}
