import { mimeData } from "./internal/runtime/mime.node.js";

// mime-types' rule for the bare type of a content type: params and whitespace dropped.
const BARE_TYPE = /^\s*([^;\s]*)(?:;|\s|$)/;

/**
 * The content type a filename's extension implies (mime-db, read as mime-types reads it;
 * the same on Node and edge runtimes), or undefined for an unknown extension. Core uses it
 * for an attachment without a `contentType`.
 *
 * @example
 * ```ts
 * mimeTypeForFilename("report.PDF"); // "application/pdf"
 * mimeTypeForFilename("notes"); // undefined
 * ```
 */
export function mimeTypeForFilename(filename: string): string | undefined {
  if (typeof filename !== "string") return undefined;
  return mimeData().typeOf(filename);
}

/**
 * The file extensions registered for a content type, the preferred one first (parameters
 * and case ignored); empty for a type without any.
 *
 * @example
 * ```ts
 * extensionsForMimeType("image/jpeg"); // ["jpg", "jpeg", "jpe"]
 * extensionsForMimeType("text/plain; charset=utf-8")[0]; // "txt"
 * ```
 */
export function extensionsForMimeType(type: string): readonly string[] {
  if (typeof type !== "string") return [];
  const bare = BARE_TYPE.exec(type)?.[1]?.toLowerCase();
  return (bare === undefined ? undefined : mimeData().extensionsOf(bare)) ?? [];
}
