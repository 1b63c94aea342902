/** CR or LF anywhere: the classic header-injection vector. */
export const CR_OR_LF = /[\r\n]/;

/** RFC 5322 field-name: printable US-ASCII except colon, at least one character. */
export const HEADER_FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

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
