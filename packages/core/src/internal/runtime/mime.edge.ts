import { posixExtname } from "./extname.js";
import type { MimeData } from "./mime.js";
import { MIME_TYPES, PREFERRED_TYPES } from "./mime-table.js";

let loaded: MimeData | undefined;

/** The generated table, decoded on first use (~1 000 types, ~1 200 extensions). */
export function mimeData(): MimeData {
  if (loaded === undefined) {
    const extensionsByType = new Map<string, readonly string[]>();
    const typeByExtension = new Map<string, string>();
    let top = "";
    for (const line of MIME_TYPES.split("\n")) {
      if (line.endsWith("/")) {
        top = line;
        continue;
      }
      const [subtype = "", ...extensions] = line.split(" ");
      const type = top + subtype;
      extensionsByType.set(type, extensions);
      for (const extension of extensions) {
        if (!typeByExtension.has(extension)) typeByExtension.set(extension, type);
      }
    }
    for (const line of PREFERRED_TYPES.split("\n")) {
      const [extension = "", type = ""] = line.split(" ");
      typeByExtension.set(extension, type);
    }
    loaded = {
      typeOf(filename) {
        // mime-types' lookup: the extension of "x." + the name, so "txt" alone works too.
        if (filename === "") return undefined;
        const extension = posixExtname(`x.${filename}`).toLowerCase().slice(1);
        return extension === "" ? undefined : typeByExtension.get(extension);
      },
      extensionsOf: (type) => extensionsByType.get(type),
    };
  }
  return loaded;
}
