/** CR or LF anywhere: the classic header-injection vector. */
export const CR_OR_LF = /[\r\n]/;

/** RFC 5322 field-name: printable US-ASCII except colon, at least one character. */
export const HEADER_FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Characters no header-bound text may hold: C0 controls except tab (NUL, VT, FF, ESC, CR,
 * LF, ...), DEL, C1 controls (NEL U+0085 included) and the Unicode line and paragraph
 * separators. Some MTAs and mail clients treat VT/FF/NEL/U+2028 as line ends, so they are
 * as dangerous as CR/LF; NUL truncates headers in C-based software.
 */
export const HEADER_UNSAFE_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/;

/**
 * Explicit bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). In a
 * display name or a filename they make text read differently from what it is
 * (`invoice\u202Efdp.exe` shows as `invoiceexe.pdf`), so those fields refuse them. The
 * implicit marks (LRM U+200E, RLM U+200F, ALM U+061C) are allowed: right-to-left names
 * legitimately need them.
 */
export const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/** Names a character for an error message, e.g. `U+0000`. */
export function describeCharacter(text: string, pattern: RegExp): string {
  const match = pattern.exec(text);
  const code = match?.[0].codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** True when every character is 7-bit ASCII. */
export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** A UTF-16 code unit of a surrogate pair standing alone: no UTF-8 encoding exists for it. */
const LONE_SURROGATE = /\p{Cs}/u;

/** True when the string can be encoded as UTF-8 without replacement characters. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Quotes user input for an error message, shortened so a megabyte of junk stays readable. */
export function quoteForMessage(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
