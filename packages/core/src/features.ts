import { AnymailUnsupportedFeature } from "./errors.js";
import { espExtraHeaders } from "./internal/header-policy.js";
import { isBatchMessage } from "./prepare.js";
import type { PreparedMessage } from "./prepared.js";
import type { Provider, StandardFeature } from "./provider.js";

/**
 * Standard fields in anymail's attribute-processing order, which decides which error a
 * message with several unsupported fields gets.
 */
export const STANDARD_FEATURE_ORDER: readonly StandardFeature[] = [
  "cc",
  "bcc",
  "replyTo",
  "headers",
  "attachments",
  "envelopeSender",
  "metadata",
  "sendAt",
  "tags",
  "trackClicks",
  "trackOpens",
  "templateId",
  "mergeData",
  "mergeGlobalData",
  "mergeHeaders",
  "mergeMetadata",
];

/**
 * Options of {@link checkFeatures}.
 *
 * @example
 * ```ts
 * const options: CheckFeaturesOptions = { ignoreUnsupportedFeatures: true };
 * checkFeatures(provider, prepared, options); // drops what the provider can't send
 * ```
 */
export interface CheckFeaturesOptions {
  /** Strip unsupported fields and ignore quirks instead of throwing. */
  ignoreUnsupportedFeatures?: boolean;
}

/**
 * Compares a prepared message with a provider's feature table before any HTTP call.
 * Unsupported standard fields that are set throw first (in anymail's order), then quirks
 * (in declared order). Quirks see the headers of every recipient's email: `headers`, each
 * `mergeHeaders` entry and the header-like keys of `espExtra` (`headers`, `h:Name`). With `ignoreUnsupportedFeatures`, unsupported fields are removed
 * and quirks are left for the provider's best effort.
 *
 * @throws AnymailUnsupportedFeature `"<Provider> does not support <feature>"`
 * @example
 * ```ts
 * checkFeatures(provider, prepareMessage(message)); // throws when the provider can't send it
 * const bestEffort = checkFeatures(provider, prepared, { ignoreUnsupportedFeatures: true });
 * ```
 */
export function checkFeatures(
  provider: Pick<Provider, "name" | "features">,
  message: PreparedMessage,
  options: CheckFeaturesOptions = {},
): PreparedMessage {
  const ignore = options.ignoreUnsupportedFeatures === true;
  // A short list: includes() beats building a Set on every send.
  const { unsupported } = provider.features;
  let result = message;
  for (const feature of STANDARD_FEATURE_ORDER) {
    if (!unsupported.includes(feature) || !isFeatureSet(result, feature)) continue;
    if (!ignore) throw new AnymailUnsupportedFeature(provider.name, feature);
    result = withoutFeature(result, feature);
  }
  if (ignore) return result;
  const view = withEveryHeader(result);
  for (const quirk of provider.features.quirks) {
    if (quirk.when(view)) {
      throw new AnymailUnsupportedFeature(provider.name, quirk.describe?.(view) ?? quirk.feature);
    }
  }
  return result;
}

/**
 * The message as quirks judge it: `headers` holding every header any recipient's email
 * will carry (its `mergeHeaders` entry, the header-like keys of `espExtra`), so one header
 * rule (a spoofed `To`, say) covers all three places. The message sent is unchanged.
 */
function withEveryHeader(message: PreparedMessage): PreparedMessage {
  const fromExtra = message.espExtra === undefined ? undefined : espExtraHeaders(message.espExtra);
  const hasExtra = fromExtra !== undefined && Object.keys(fromExtra).length > 0;
  if (message.mergeHeaders === undefined && !hasExtra) return message;
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const add = (source: Readonly<Record<string, string>> | undefined) => {
    if (source === undefined) return;
    for (const [name, value] of Object.entries(source)) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) continue;
      seen.add(lower);
      headers[name] = value;
    }
  };
  add(message.headers);
  for (const recipientHeaders of Object.values(message.mergeHeaders ?? {})) add(recipientHeaders);
  add(fromExtra);
  if (seen.size === 0) return message;
  return { ...message, headers };
}

/** Whether a standard field is set; empty lists of recipients/attachments count as unset. */
export function isFeatureSet(message: PreparedMessage, feature: StandardFeature): boolean {
  const value = message[feature];
  return Array.isArray(value) &&
    (feature === "cc" || feature === "bcc" || feature === "replyTo" || feature === "attachments")
    ? value.length > 0
    : value !== undefined;
}

function withoutFeature(message: PreparedMessage, feature: StandardFeature): PreparedMessage {
  const copy: Record<string, unknown> = { ...message };
  if (feature === "cc" || feature === "bcc" || feature === "replyTo" || feature === "attachments") {
    copy[feature] = [];
  } else {
    delete copy[feature];
  }
  const stripped = copy as unknown as PreparedMessage;
  return { ...stripped, isBatch: isBatchMessage(stripped) };
}
