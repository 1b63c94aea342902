/** CR or LF anywhere: the classic header-injection vector. */
export const CR_OR_LF = /[\r\n]/;

/** RFC 5322 field-name: printable US-ASCII except colon, at least one character. */
export const HEADER_FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** True when every character is 7-bit ASCII. */
export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}
