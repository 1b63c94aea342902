import { RESEND_UNSUPPORTED_FEATURES, resendFeatureTable } from "@anymail/resend";

/** One row of the page's quirks table. */
export interface QuirkRow {
  feature: string;
  /** "field" for a message field Resend can't do at all, "quirk" for a message-dependent limit. */
  kind: "field" | "quirk";
  description: string;
}

/** Resend's support table, straight from the provider package so the page can't drift. */
export function describeQuirks(): QuirkRow[] {
  const unsupported = new Set<string>(RESEND_UNSUPPORTED_FEATURES.map((entry) => entry.feature));
  return resendFeatureTable().map((row) => ({
    feature: row.feature,
    kind: unsupported.has(row.feature) ? "field" : "quirk",
    description: row.description,
  }));
}
