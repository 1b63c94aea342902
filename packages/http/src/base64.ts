import { encodeBase64 } from "./internal/encode-base64.node.js";

/**
 * Base64 of the bytes (standard alphabet, padded), on every runtime: attachments in JSON
 * payloads.
 *
 * @example
 * ```ts
 * toBase64(new TextEncoder().encode("hi")); // "aGk="
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  return encodeBase64(bytes);
}

/**
 * Bytes of base64 text (standard alphabet; whitespace and missing padding tolerated), or
 * undefined when it isn't base64.
 *
 * @example
 * ```ts
 * fromBase64("aGk="); // Uint8Array [104, 105]
 * fromBase64("not base64!"); // undefined
 * ```
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, "="));
  } catch {
    // Padding in the wrong place ("a===").
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
