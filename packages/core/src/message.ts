/**
 * One or more addresses: a string may itself hold a comma-separated list.
 *
 * @example
 * ```ts
 * const to: AddressList = ["Ana <ana@example.org>", "bob@example.org"];
 * const same: AddressList = "Ana <ana@example.org>, bob@example.org";
 * ```
 */
export type AddressList = string | readonly string[];

/**
 * A metadata value echoed back in tracking events.
 *
 * @example
 * ```ts
 * const metadata: Record<string, MetadataValue> = { orderId: 4411, vip: true, coupon: null };
 * ```
 */
export type MetadataValue = string | number | boolean | null;

/**
 * A file attached to a message. A string `content` is text sent as UTF-8.
 *
 * @example
 * ```ts
 * const invoice: Attachment = { filename: "invoice.pdf", content: pdfBytes };
 * ```
 */
export interface Attachment {
  /** File name shown to the recipient; also the source of the content type. */
  filename?: string;
  /** The bytes, or text (sent as UTF-8). */
  content: Uint8Array | string;
  /** MIME type; defaults from the filename, else `application/octet-stream`. */
  contentType?: string;
  /** Content-ID (without `<>`) for `cid:` references in html; makes the attachment inline. */
  contentId?: string;
  /** Inline rather than a regular attachment. Needs a `contentId` to be referenced. */
  inline?: boolean;
}

/**
 * The provider-neutral message. `undefined` means unset; empty values (`{}`, `[]`,
 * `false`) count as set. `null` means unset *and* not taken from the mailer's defaults
 * (anymail's `None`): `{ tags: null }` sends without the default tags.
 *
 * @example
 * ```ts
 * const message: EmailMessage = {
 *   from: "Shop <shop@example.com>",
 *   to: ["Ana <ana@example.org>", "bob@example.org"],
 *   subject: "Your order",
 *   text: "Thanks!",
 *   tags: ["order"],
 *   metadata: { orderId: 4411 },
 * };
 * ```
 */
export interface EmailMessage {
  /** Exactly one RFC 5322 mailbox, `Name <a@b.example>`. */
  from?: string | null;
  to?: AddressList | null;
  cc?: AddressList | null;
  bcc?: AddressList | null;
  replyTo?: AddressList | null;
  subject?: string | null;
  text?: string | null;
  html?: string | null;
  attachments?: readonly Attachment[] | null;
  /** Custom headers. A number becomes its string; any other non-string is an error. */
  headers?: Readonly<Record<string, string | number>> | null;
  tags?: readonly string[] | null;
  metadata?: Readonly<Record<string, MetadataValue>> | null;
  /** A Date becomes ISO 8601 with offset; a string passes through unchanged. */
  sendAt?: Date | string | null;
  trackClicks?: boolean | null;
  trackOpens?: boolean | null;
  templateId?: string | null;
  /** Per-recipient template data, keyed by addr-spec. */
  mergeData?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | null;
  mergeGlobalData?: Readonly<Record<string, unknown>> | null;
  /** Per-recipient metadata, keyed by addr-spec; forces a batch send. */
  mergeMetadata?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | null;
  /** Per-recipient headers, keyed by addr-spec; forces a batch send. */
  mergeHeaders?: Readonly<Record<string, Readonly<Record<string, string>>>> | null;
  envelopeSender?: string | null;
  /** Reused by every retry of this send; generated when absent. */
  idempotencyKey?: string | null;
  /** Merged into the provider's request last (deep merge). */
  espExtra?: Readonly<Record<string, unknown>> | null;
}
