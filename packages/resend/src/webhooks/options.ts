import { optionOrEnv, positiveMs, resolveApiKey, resolveApiUrl } from "../internal/env.js";

/**
 * Options of {@link resendWebhooks}. Every field falls back to an environment variable.
 *
 * @example
 * ```ts
 * const options: ResendWebhooksOptions = { signingSecret: "whsec_...", inboundSecret: "whsec_..." };
 * ```
 */
export interface ResendWebhooksOptions {
  /** Svix secret of the tracking webhook (`whsec_...`); else `RESEND_SIGNING_SECRET`. */
  signingSecret?: string;
  /** Svix secret of the inbound (`email.received`) webhook; else `RESEND_INBOUND_SECRET`. */
  inboundSecret?: string;
  /** API key used to fetch received emails; else `ANYMAIL_RESEND_API_KEY`, then `RESEND_API_KEY`. */
  apiKey?: string;
  /** API base URL; else `ANYMAIL_RESEND_API_URL`, then `RESEND_API_URL`, then `https://api.resend.com/`. */
  apiUrl?: string;
  /** Limit for each follow-up HTTP request of an inbound webhook, in milliseconds. Default 10 000. */
  fetchTimeoutMs?: number;
}

/** {@link ResendWebhooksOptions} after env fallbacks and defaults. */
export interface ResolvedWebhookConfig {
  readonly signingSecret?: string;
  readonly inboundSecret?: string;
  readonly apiKey?: string;
  /** Always ends with `/`. */
  readonly apiUrl: string;
  readonly fetchTimeoutMs: number;
}

const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/** Applies env fallbacks; throws AnymailConfigurationError for unusable values. */
export function resolveWebhookConfig(options: ResendWebhooksOptions): ResolvedWebhookConfig {
  const signingSecret = optionOrEnv(options.signingSecret, "RESEND_SIGNING_SECRET");
  const inboundSecret = optionOrEnv(options.inboundSecret, "RESEND_INBOUND_SECRET");
  const apiKey = resolveApiKey(options.apiKey);
  const apiUrl = resolveApiUrl(options.apiUrl);
  const fetchTimeoutMs = positiveMs(
    "fetchTimeoutMs",
    options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
  );

  return {
    ...(signingSecret === undefined ? {} : { signingSecret }),
    ...(inboundSecret === undefined ? {} : { inboundSecret }),
    ...(apiKey === undefined ? {} : { apiKey }),
    apiUrl,
    fetchTimeoutMs,
  };
}
