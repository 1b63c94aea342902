/**
 * The extension ↔ type data (mime-db, as mime-types reads it) behind content-type guessing.
 * Two builds load it: `mime.node.ts` (mime-types itself, on first use) and `mime.edge.ts`
 * (a generated compact table; mime-types requires `path`). See tsup.base.ts.
 */
export interface MimeData {
  /** The type a filename's extension implies, as mime-types' `lookup`; undefined if none. */
  typeOf(filename: string): string | undefined;
  /** The extensions of a bare lower-case type, preferred first; undefined if none. */
  extensionsOf(type: string): readonly string[] | undefined;
}
