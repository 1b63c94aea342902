import type { FeatureSupport } from "./provider.js";

/**
 * One row of a provider's feature table: a standard field it can't send at all
 * (`"unsupported"`), or a message-dependent limit (`"quirk"`).
 *
 * @example
 * ```ts
 * const row: FeatureTableRow = {
 *   feature: "trackOpens",
 *   kind: "unsupported",
 *   description: "open tracking is a per-domain setting in Resend",
 * };
 * ```
 */
export interface FeatureTableRow {
  readonly feature: string;
  readonly kind: "unsupported" | "quirk";
  readonly description: string;
}

/**
 * A provider's feature table as data, for any page or doc to render: every unsupported
 * field (with its `reasons` entry), then every quirk (with its `description`), in the
 * order core checks them.
 *
 * @example
 * ```ts
 * import { featureTable } from "@anymail/core";
 *
 * for (const row of featureTable(provider.features)) {
 *   console.log(`| ${row.feature} | ${row.kind} | ${row.description} |`);
 * }
 * ```
 */
export function featureTable(features: FeatureSupport): FeatureTableRow[] {
  return [
    ...features.unsupported.map(
      (feature): FeatureTableRow => ({
        feature,
        kind: "unsupported",
        description: features.reasons?.[feature] ?? "",
      }),
    ),
    ...features.quirks.map(
      (quirk): FeatureTableRow => ({
        feature: quirk.feature,
        kind: "quirk",
        description: quirk.description ?? "",
      }),
    ),
  ];
}
