import type mimeTypes from "mime-types";
import { lazyRequire } from "../lazy-require.js";
import type { MimeData } from "./mime.js";

let loaded: MimeData | undefined;

/** mime-types, loaded on first use: it parses all of mime-db (~14 ms), so not at import. */
export function mimeData(): MimeData {
  if (loaded === undefined) {
    const mime = lazyRequire<typeof mimeTypes>("mime-types");
    loaded = {
      typeOf: (filename) => mime.lookup(filename) || undefined,
      extensionsOf: (type) => mime.extensions[type],
    };
  }
  return loaded;
}
