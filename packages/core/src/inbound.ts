import { parseAddressList } from "./address.js";
import { AnymailInvalidWebhookPayload } from "./errors.js";
import type { EmailAddress } from "./prepared.js";

/**
 * A file in an inbound message; inline parts included.
 *
 * @example
 * ```ts
 * for (const file of event.message.attachments) {
 *   if (!file.inline) await storage.put(file.filename ?? "attachment", file.content, file.contentType);
 * }
 * ```
 */
export interface InboundAttachment {
  filename?: string;
  /** The full Content-Type, parameters (charset) included when the ESP gave them. */
  contentType: string;
  content: Uint8Array;
  /** Content-ID without angle brackets. */
  contentId?: string;
  inline: boolean;
}

/**
 * One header line of an inbound message.
 *
 * @example
 * ```ts
 * const header: InboundHeader = { name: "X-Priority", value: "1" };
 * ```
 */
export interface InboundHeader {
  name: string;
  value: string;
}

/**
 * A received email, parsed. Build one with {@link createInboundMessage}: every provider
 * does, so every field below is filled the same way whatever the ESP.
 *
 * @example
 * ```ts
 * onInbound: async ({ message }) => {
 *   const sender = message.fromAddress?.addrSpec;           // "ana@example.org"
 *   const ticket = message.getHeader("X-Ticket-Id");
 *   const logo = message.contentIdMap["logo@example"];      // an inline image
 *   await tickets.reply(sender, message.text ?? "");
 * };
 * ```
 */
export interface InboundMessage {
  /** The From header as sent (`Ana <ana@example.org>`), `""` when there was none. */
  from: string;
  /** `from` parsed: display name, addr-spec. Undefined when missing or unparsable. */
  readonly fromAddress?: EmailAddress;
  /** Each recipient as formatted text (`Name <a@b>`), in header order. */
  to: string[];
  cc: string[];
  /** Only when the ESP tells (Bcc is not in a delivered message's headers); else `[]`. */
  bcc: string[];
  replyTo: string[];
  subject: string;
  date?: Date;
  text?: string;
  html?: string;
  /** In message order, repeats kept. */
  headers: InboundHeader[];
  /** Every part with a filename or a Content-ID, inline parts included. */
  attachments: InboundAttachment[];
  /** The inline parts of `attachments` (e.g. images referenced as `cid:` in html). */
  readonly inlines: readonly InboundAttachment[];
  /** Inline and regular parts by Content-ID (without `<>`), for resolving `cid:` links. */
  readonly contentIdMap: Readonly<Record<string, InboundAttachment>>;
  envelopeSender?: string;
  envelopeRecipient?: string;
  spamDetected?: boolean;
  spamScore?: number;
  /** The original RFC 822 bytes when the provider offered them. */
  raw?: Uint8Array;
  /** The first value of a header, case-insensitive; undefined when absent. */
  getHeader(name: string): string | undefined;
  /** Every value of a header, case-insensitive, in message order. */
  getAll(name: string): string[];
}

/**
 * What a provider's inbound parser knows; {@link createInboundMessage} derives the rest.
 * Address fields given here win over the headers (an ESP's envelope data is more exact);
 * absent ones are read from the `From`, `To`, `Cc`, `Bcc` and `Reply-To` headers.
 *
 * @example
 * ```ts
 * const fields: InboundMessageFields = {
 *   headers: [{ name: "From", value: "Ana <ana@example.org>" }, { name: "Subject", value: "Hi" }],
 *   text: "Hello",
 * };
 * ```
 */
export interface InboundMessageFields {
  from?: string;
  to?: readonly string[];
  cc?: readonly string[];
  bcc?: readonly string[];
  replyTo?: readonly string[];
  subject?: string;
  /** A Date, or header text (RFC 5322 / ISO 8601); an unparsable date is left out. */
  date?: Date | string;
  text?: string;
  html?: string;
  headers?: readonly InboundHeader[];
  /** `contentId` may keep its `<>`; `inline` defaults to "has a contentId". */
  attachments?: readonly (Omit<InboundAttachment, "inline"> & { inline?: boolean })[];
  envelopeSender?: string;
  envelopeRecipient?: string;
  spamDetected?: boolean;
  spamScore?: number;
  raw?: Uint8Array;
}

/**
 * Builds the {@link InboundMessage} every provider hands to `onInbound`, so parsed
 * addresses, header lookup, inline parts and the Content-ID map behave the same for every
 * ESP. Provider packages call it from their inbound parser with what the ESP gave; nothing
 * given is dropped: an address header that doesn't parse is kept as its text.
 *
 * @example
 * ```ts
 * import { createInboundMessage } from "@anymail/core";
 *
 * const message = createInboundMessage({
 *   headers: [
 *     { name: "From", value: '"Ana B." <ana@example.org>' },
 *     { name: "To", value: "support@shop.example, sales@shop.example" },
 *     { name: "Subject", value: "Order 4411" },
 *   ],
 *   text: "Where is my order?",
 *   attachments: [{ contentType: "image/png", content: png, contentId: "<logo@x>", inline: true }],
 * });
 * message.fromAddress?.displayName; // "Ana B."
 * message.to;                       // ["support@shop.example", "sales@shop.example"]
 * message.getHeader("subject");     // "Order 4411"
 * message.contentIdMap["logo@x"];   // the inline image
 * ```
 */
export function createInboundMessage(fields: InboundMessageFields): InboundMessage {
  const headers = (fields.headers ?? []).map(({ name, value }) => ({ name, value }));
  const getAll = (name: string): string[] => {
    const lower = name.toLowerCase();
    return headers.filter((header) => header.name.toLowerCase() === lower).map((h) => h.value);
  };
  const getHeader = (name: string): string | undefined => getAll(name)[0];
  const attachments: InboundAttachment[] = (fields.attachments ?? []).map(
    normalizeInboundAttachment,
  );
  const from = fields.from ?? getHeader("From")?.trim() ?? "";
  const date = toDate(fields.date ?? getHeader("Date"));

  const message: Omit<
    InboundMessage,
    "fromAddress" | "inlines" | "contentIdMap" | "getHeader" | "getAll"
  > = {
    from,
    to: addressList(fields.to, getAll("To")),
    cc: addressList(fields.cc, getAll("Cc")),
    bcc: addressList(fields.bcc, getAll("Bcc")),
    replyTo: addressList(fields.replyTo, getAll("Reply-To")),
    subject: fields.subject ?? getHeader("Subject") ?? "",
    headers,
    attachments,
  };
  const optional = message as Partial<InboundMessage>;
  if (date !== undefined) optional.date = date;
  if (fields.text !== undefined) optional.text = fields.text;
  if (fields.html !== undefined) optional.html = fields.html;
  if (fields.envelopeSender !== undefined) optional.envelopeSender = fields.envelopeSender;
  if (fields.envelopeRecipient !== undefined) optional.envelopeRecipient = fields.envelopeRecipient;
  if (fields.spamDetected !== undefined) optional.spamDetected = fields.spamDetected;
  if (fields.spamScore !== undefined) optional.spamScore = fields.spamScore;
  if (fields.raw !== undefined) optional.raw = fields.raw;

  // Derived views and lookups are not enumerable: the message stays plain data for JSON,
  // structuredClone and deep equality, and they always reflect `attachments` and `headers`.
  Object.defineProperties(message, {
    fromAddress: { get: () => parseFirst(message.from), enumerable: false },
    inlines: { get: () => message.attachments.filter((a) => a.inline), enumerable: false },
    contentIdMap: { get: () => contentIdMap(message.attachments), enumerable: false },
    getHeader: { value: getHeader, enumerable: false },
    getAll: { value: getAll, enumerable: false },
  });
  return message as InboundMessage;
}

/**
 * Decodes text bytes of an inbound part: the `charset` of `contentType` (UTF-8 when it has
 * none), with a byte-order mark honoured. Labels are those of the WHATWG Encoding
 * standard (`iso-8859-1`, `windows-1252`, `koi8-r`, `shift_jis`, ...).
 *
 * @throws AnymailInvalidWebhookPayload for a charset this runtime cannot decode
 * @example
 * ```ts
 * const csv = message.attachments.find((a) => a.contentType.startsWith("text/csv"));
 * if (csv) rows = decodeInboundText(csv.content, csv.contentType).split("\n");
 * ```
 */
export function decodeInboundText(content: Uint8Array, contentType = ""): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] ?? "utf-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch (cause) {
    throw new AnymailInvalidWebhookPayload(
      `Cannot decode inbound text in charset ${JSON.stringify(charset.slice(0, 40))}: not a known encoding`,
      { cause },
    );
  }
  return decoder.decode(content);
}

function normalizeInboundAttachment(
  part: Omit<InboundAttachment, "inline"> & { inline?: boolean },
): InboundAttachment {
  const contentId = part.contentId?.trim().replace(/^<(.*)>$/, "$1") || undefined;
  const attachment: InboundAttachment = {
    contentType: part.contentType || "application/octet-stream",
    content: part.content,
    inline: part.inline ?? contentId !== undefined,
  };
  if (part.filename !== undefined && part.filename !== "") attachment.filename = part.filename;
  if (contentId !== undefined) attachment.contentId = contentId;
  return attachment;
}

function contentIdMap(
  attachments: readonly InboundAttachment[],
): Record<string, InboundAttachment> {
  const map: Record<string, InboundAttachment> = Object.create(null);
  for (const attachment of attachments) {
    // The first part wins when two share an id, as a mail client resolves `cid:`.
    if (attachment.contentId !== undefined && !(attachment.contentId in map)) {
      map[attachment.contentId] = attachment;
    }
  }
  return map;
}

/** Given addresses win; else every header of that name, each parsed into formatted mailboxes. */
function addressList(given: readonly string[] | undefined, headerValues: string[]): string[] {
  if (given !== undefined) return [...given];
  return headerValues.flatMap((value) => {
    if (value.trim() === "") return [];
    try {
      return parseAddressList(value, "inbound").map((address) => address.address);
    } catch {
      // Inbound mail is what it is: keep an unparsable header's text rather than drop it.
      return [value.trim()];
    }
  });
}

function parseFirst(text: string): EmailAddress | undefined {
  if (text.trim() === "") return undefined;
  try {
    return parseAddressList(text, "from")[0];
  } catch {
    return undefined;
  }
}

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
