/** One row of the page's quirks table. */
export interface QuirkRow {
  feature: string;
  /** "field" for a message field the provider can't do at all, "quirk" for a message-dependent limit. */
  kind: "field" | "quirk";
  description: string;
}

/**
 * A provider's support table, straight from its package so the page can't drift: the
 * fields it can't send at all, then its message-dependent quirks.
 */
export function describeQuirks(
  unsupported: readonly { readonly feature: string }[],
  table: readonly { feature: string; description: string }[],
): QuirkRow[] {
  const fields = new Set<string>(unsupported.map((entry) => entry.feature));
  return table.map((row) => ({
    feature: row.feature,
    kind: fields.has(row.feature) ? "field" : "quirk",
    description: row.description,
  }));
}
