import { extensionsForMimeType, mimeTypeForFilename } from "@anymail/core";

const OCTET_STREAM = "application/octet-stream";

/**
 * True when `filename` has an extension that implies a content type other than
 * `mimeType`. Extensions mime-db doesn't know, or knows only as
 * `application/octet-stream` (`.bin`, `.img`), imply nothing, so they never mismatch.
 */
export function extensionDisagrees(filename: string, mimeType: string): boolean {
  const implied = mimeTypeForFilename(filename);
  if (implied === undefined || implied === OCTET_STREAM) return false;
  const type = mimeType.toLowerCase();
  if (implied === type) return false;
  // Several types share extensions (.xml is application/xml and text/xml); accept any
  // type that lists this extension as one of its own.
  const dot = filename.lastIndexOf(".");
  const extension = filename.slice(dot + 1).toLowerCase();
  return !extensionsForMimeType(type).includes(extension);
}

/** `attachment.<ext>` for a type with a known extension, else undefined. */
export function generatedFilename(mimeType: string): string | undefined {
  const extension = extensionsForMimeType(mimeType.toLowerCase())[0];
  return extension === undefined ? undefined : `attachment.${extension}`;
}
