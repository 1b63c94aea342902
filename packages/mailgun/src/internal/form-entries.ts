/**
 * The form fields of one Mailgun send, in order, before they become multipart/form-data.
 * Kept as plain data so tests and the emulator comparison can read them.
 *
 * @example
 * ```ts
 * const subject = planMailgunRequest(prepared).entries.find((e: MailgunFormEntry) => e.name === "subject");
 * ```
 */
export type MailgunFormEntry = MailgunFieldEntry | MailgunFileEntry;

/**
 * A text field; a name may repeat (`to`, `o:tag`).
 *
 * @example
 * ```ts
 * const tag: MailgunFieldEntry = { name: "o:tag", value: "receipt" };
 * ```
 */
export interface MailgunFieldEntry {
  readonly name: string;
  readonly value: string;
}

/**
 * A file part: `attachment`, or `inline` whose filename is the Content-ID.
 *
 * @example
 * ```ts
 * const file: MailgunFileEntry = { name: "attachment", filename: "a.txt", contentType: "text/plain", content: new Uint8Array([104, 105]) };
 * ```
 */
export interface MailgunFileEntry {
  readonly name: "attachment" | "inline";
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

/** Whether an entry is a file part. */
export function isFileEntry(entry: MailgunFormEntry): entry is MailgunFileEntry {
  return "content" in entry;
}

/**
 * The Web FormData for the entries. undici (and every fetch) serializes it as a streamed
 * multipart body: files are written from their Blob without another copy of the whole body.
 */
export function toFormData(entries: readonly MailgunFormEntry[]): FormData {
  const form = new FormData();
  for (const entry of entries) {
    if (isFileEntry(entry)) {
      const blob = new Blob([entry.content as Uint8Array<ArrayBuffer>], {
        type: entry.contentType,
      });
      form.append(entry.name, blob, entry.filename);
    } else {
      form.append(entry.name, entry.value);
    }
  }
  return form;
}
