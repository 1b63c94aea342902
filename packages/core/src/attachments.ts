import { mimeTypeForFilename } from "./content-types.js";
import { AnymailSerializationError } from "./errors.js";
import { assertHeaderSafe } from "./internal/header-policy.js";
import { BIDI_CONTROL, describeCharacter, isWellFormedText } from "./internal/text.js";
import type { Attachment } from "./message.js";
import type { NormalizedAttachment } from "./prepared.js";

const utf8 = new TextEncoder();

/**
 * Normalizes one attachment for every provider: content as bytes, a content type (from the
 * filename when not given, else `application/octet-stream`), a UTF-8 charset on text types,
 * and `inline` implied by a `contentId`.
 *
 * @param field - where the attachment sits, for errors, e.g. `attachments[2]`
 * @throws AnymailSerializationError for content that is neither bytes nor text, a control
 *   character (CR/LF, NUL, ...) in the filename, content type or content id, or a bidi
 *   control (U+202A–U+202E, U+2066–U+2069) in the filename
 * @example
 * ```ts
 * normalizeAttachment({ filename: "report.csv", content: "a,b\n1,2" }).contentType;
 * // 'text/csv; charset="utf-8"'
 * ```
 */
export function normalizeAttachment(
  attachment: Attachment,
  field = "attachments",
): NormalizedAttachment {
  if (typeof attachment !== "object" || attachment === null) {
    throw new AnymailSerializationError(`\`${field}\` must be an attachment object`, {
      field: "attachments",
    });
  }
  const { filename, contentType: givenType, inline } = attachment;
  checkText(filename, `${field}.filename`);
  if (filename !== undefined && BIDI_CONTROL.test(filename)) {
    // `invoice\u202Efdp.exe` displays as `invoiceexe.pdf`: refuse rather than mislead.
    throw new AnymailSerializationError(
      `\`${field}.filename\` must not contain the bidi control ${describeCharacter(filename, BIDI_CONTROL)}, which makes a name read differently from what it is`,
      { field: "attachments" },
    );
  }
  checkText(givenType, `${field}.contentType`);
  checkText(attachment.contentId, `${field}.contentId`);
  if (inline !== undefined && typeof inline !== "boolean") {
    throw new AnymailSerializationError(`\`${field}.inline\` must be a boolean`, {
      field: "attachments",
    });
  }

  const content = toBytes(attachment.content, field);
  const contentType = resolveContentType(givenType, filename);
  const mimeType = (contentType.split(";", 1)[0] ?? "").trim().toLowerCase();
  const contentId = attachment.contentId?.replace(/^<(.*)>$/, "$1");

  const normalized: {
    -readonly [K in keyof NormalizedAttachment]: NormalizedAttachment[K];
  } = {
    content,
    mimeType,
    contentType,
    inline: inline ?? contentId !== undefined,
  };
  if (filename !== undefined) normalized.filename = filename;
  if (contentId !== undefined) normalized.contentId = contentId;
  return normalized;
}

function resolveContentType(givenType: string | undefined, filename: string | undefined): string {
  const base =
    givenType?.trim() ||
    (filename ? mimeTypeForFilename(filename) : undefined) ||
    "application/octet-stream";
  if (!/^text\//i.test(base) || /;\s*charset\s*=/i.test(base)) return base;
  return `${base}; charset="utf-8"`;
}

function toBytes(content: unknown, field: string): Uint8Array {
  if (typeof content === "string") {
    // TextEncoder would silently replace a lone surrogate with U+FFFD: refuse instead.
    if (!isWellFormedText(content)) {
      throw new AnymailSerializationError(
        `\`${field}.content\` contains invalid UTF-16 (a lone surrogate), which cannot be sent as UTF-8`,
        { field: "attachments" },
      );
    }
    return utf8.encode(content);
  }
  if (content instanceof Uint8Array) return content;
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  throw new AnymailSerializationError(
    `\`${field}.content\` must be a Uint8Array or a string, got ${content === null ? "null" : typeof content}`,
    { field: "attachments" },
  );
}

function checkText(value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value !== "string") {
    throw new AnymailSerializationError(`\`${path}\` must be a string`, { field: "attachments" });
  }
  assertHeaderSafe(value, path, "attachments");
}

/**
 * Options of {@link inlineImage}.
 *
 * @example
 * ```ts
 * const logo = inlineImage(pngBytes, { filename: "logo.png", contentId: "logo@shop.example" });
 * logo.cid; // "logo@shop.example", for <img src="cid:logo@shop.example">
 * ```
 */
export interface InlineImageOptions {
  filename?: string;
  /** Defaults from the filename, else `application/octet-stream`. */
  contentType?: string;
  /** Your own Content-ID (without `<>`); a unique one is generated when absent. */
  contentId?: string;
}

/**
 * Builds an inline attachment and the `cid` to reference it from html.
 *
 * @example
 * ```ts
 * const logo = inlineImage(pngBytes, { filename: "logo.png" });
 * await mailer.send({
 *   from, to, subject: "Hi",
 *   html: `<img src="cid:${logo.cid}">`,
 *   attachments: [logo.attachment],
 * });
 * ```
 */
export function inlineImage(
  content: Uint8Array | string,
  options: InlineImageOptions = {},
): { attachment: Attachment; cid: string } {
  const cid =
    options.contentId?.replace(/^<(.*)>$/, "$1") ?? `img-${globalThis.crypto.randomUUID()}@inline`;
  const attachment: Attachment = { content, contentId: cid, inline: true };
  if (options.filename !== undefined) attachment.filename = options.filename;
  if (options.contentType !== undefined) attachment.contentType = options.contentType;
  return { attachment, cid };
}
