import type { SecretRedaction } from "@anymail/core";

/**
 * What a provider declares as secret.
 *
 * @example
 * ```ts
 * const secrets: ProviderSecrets = { keys: ["x-postmark-server-token"], patterns: [], values: [token] };
 * ```
 */
export interface ProviderSecrets {
  /** Header and option names whose values are secret (case-insensitive). */
  keys?: readonly string[];
  /** Global regular expressions of the ESP's key formats. */
  patterns?: readonly RegExp[];
  /** The configured secret values; `undefined` entries are skipped. */
  values?: readonly (string | undefined)[];
}

/**
 * Builds the `SecretRedaction` a provider exposes as `redaction` (core then masks it in
 * every log record, and the kit in error responses and debug records): its header and
 * option names, its key formats, and the configured secrets themselves.
 *
 * @example
 * ```ts
 * const redaction = defineRedaction({
 *   keys: ["x-postmark-server-token", "serverToken"],
 *   values: [config.serverToken],
 * });
 * ```
 */
export function defineRedaction(secrets: ProviderSecrets): SecretRedaction {
  return {
    keys: [...(secrets.keys ?? [])],
    patterns: [...(secrets.patterns ?? [])],
    values: (secrets.values ?? []).filter((value): value is string => value !== undefined),
  };
}
