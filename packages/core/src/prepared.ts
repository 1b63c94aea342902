/**
 * A parsed mailbox. `address` is the formatted form providers send: the display name
 * quoted only when needed and the domain IDNA-encoded.
 *
 * @example
 * ```ts
 * const [who] = parseAddressList('"Dr. Who" <who@example.com>', "to");
 * who.addrSpec; // "who@example.com"
 * ```
 */
export interface EmailAddress {
  /** Display name, unquoted; `""` when none. */
  readonly displayName: string;
  /** `username@domain`, domain IDNA-encoded. */
  readonly addrSpec: string;
  readonly username: string;
  /** ASCII (IDNA-encoded) domain. */
  readonly domain: string;
  /** Formatted for a header: `Name <user@domain>` or bare `user@domain`. */
  readonly address: string;
  /** The local part holds non-ASCII characters (needs SMTPUTF8 / EAI). */
  readonly usesEai: boolean;
}

/**
 * An attachment normalized once for every provider.
 *
 * @example
 * ```ts
 * attachment.contentType; // 'text/csv; charset="utf-8"'
 * ```
 */
export interface NormalizedAttachment {
  /** File name, when one was given. */
  readonly filename?: string;
  readonly content: Uint8Array;
  /** `type/subtype` without parameters. */
  readonly mimeType: string;
  /** Full content type; text types carry `; charset="utf-8"`. */
  readonly contentType: string;
  /** Content-ID without angle brackets. */
  readonly contentId?: string;
  readonly inline: boolean;
}

/**
 * What a provider receives: the message after defaults, hooks, validation and
 * normalization. `undefined` still means unset.
 *
 * @example
 * ```ts
 * async send(message: PreparedMessage, context: SendContext) {
 *   const body = { from: message.from.address, to: message.to.map((a) => a.address) };
 * }
 * ```
 */
export interface PreparedMessage {
  readonly from: EmailAddress;
  readonly to: readonly EmailAddress[];
  readonly cc: readonly EmailAddress[];
  readonly bcc: readonly EmailAddress[];
  readonly replyTo: readonly EmailAddress[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments: readonly NormalizedAttachment[];
  /** Header values are strings; names keep the caller's spelling. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** ISO 8601 with offset, or the caller's string unchanged. */
  readonly sendAt?: string;
  readonly trackClicks?: boolean;
  readonly trackOpens?: boolean;
  readonly templateId?: string;
  readonly mergeData?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly mergeGlobalData?: Readonly<Record<string, unknown>>;
  readonly mergeMetadata?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly mergeHeaders?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly envelopeSender?: EmailAddress;
  readonly espExtra?: Readonly<Record<string, unknown>>;
  /** True when mergeData, mergeMetadata or mergeHeaders is set. */
  readonly isBatch: boolean;
}
