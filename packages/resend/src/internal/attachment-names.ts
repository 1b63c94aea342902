import type mimeTypes from "mime-types";
import { createLazyRequire } from "@anymail/http";

type MimeTypes = typeof mimeTypes;
let loaded: MimeTypes | undefined;
const lazyRequire = createLazyRequire(import.meta.url);

/** mime-types parses all of mime-db when loaded (~14 ms): only when an attachment needs it. */
function mime(): MimeTypes {
  loaded ??= lazyRequire("mime-types") as MimeTypes;
  return loaded;
}

const OCTET_STREAM = "application/octet-stream";

/**
 * True when `filename` has an extension that implies a content type other than
 * `mimeType`. Extensions mime-types doesn't know, or knows only as
 * `application/octet-stream` (`.bin`, `.img`), imply nothing, so they never mismatch.
 */
export function extensionDisagrees(filename: string, mimeType: string): boolean {
  const implied = mime().lookup(filename);
  if (implied === false || implied === OCTET_STREAM) return false;
  const type = mimeType.toLowerCase();
  if (implied === type) return false;
  // Several types share extensions (.xml is application/xml and text/xml); accept any
  // type that lists this extension as one of its own.
  const dot = filename.lastIndexOf(".");
  const extension = filename.slice(dot + 1).toLowerCase();
  return !(mime().extensions[type]?.includes(extension) ?? false);
}

/** `attachment.<ext>` for a type with a known extension, else undefined. */
export function generatedFilename(mimeType: string): string | undefined {
  const extension = mime().extension(mimeType.toLowerCase());
  return extension === false ? undefined : `attachment.${extension}`;
}
