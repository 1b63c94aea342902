import type { SecretRedaction } from "@anymail/core";
import {
  checkCredential,
  type FetchLike,
  positiveInteger,
  positiveMs,
  resolveSetting,
} from "@anymail/http";
import { resolveApiKey, resolveApiUrl } from "../config.js";
import { resendRedaction } from "../secrets.js";

/**
 * Options of {@link resendWebhooks}. Every field falls back to an environment variable.
 *
 * @example
 * ```ts
 * const options: ResendWebhooksOptions = { signingSecret: "whsec_...", inboundSecret: "whsec_..." };
 * ```
 */
export interface ResendWebhooksOptions {
  /** Svix secret of the tracking webhook (`whsec_...`); else `ANYMAIL_RESEND_SIGNING_SECRET`, then `RESEND_SIGNING_SECRET`. */
  signingSecret?: string;
  /** Svix secret of the inbound (`email.received`) webhook; else `ANYMAIL_RESEND_INBOUND_SECRET`, then `RESEND_INBOUND_SECRET`. */
  inboundSecret?: string;
  /** API key used to fetch received emails; else `ANYMAIL_RESEND_API_KEY`, then `RESEND_API_KEY`. */
  apiKey?: string;
  /** API base URL; else `ANYMAIL_RESEND_API_URL`, `RESEND_API_URL`, `RESEND_BASE_URL`, then `https://api.resend.com/`. */
  apiUrl?: string;
  /** Limit for each follow-up HTTP request of an inbound webhook, in milliseconds. Default 10 000. */
  fetchTimeoutMs?: number;
  /**
   * Most bytes one inbound email may download (its raw MIME, or all its attachments
   * together), read as a stream and stopped past it. Default 40 MiB (Resend's
   * 40 MB message limit, with room for MIME encoding). Past it the webhook fails with an
   * `AnymailAPIError` of kind `invalid_response` naming this option.
   */
  maxInboundBytes?: number;
  /** Fetch received emails with this `fetch` instead of undici (edge runtimes). */
  fetch?: FetchLike;
}

/** {@link ResendWebhooksOptions} after env fallbacks and defaults. */
export interface ResolvedWebhookConfig {
  readonly signingSecret?: string;
  readonly inboundSecret?: string;
  readonly apiKey?: string;
  /** Always ends with `/`. */
  readonly apiUrl: string;
  readonly fetchTimeoutMs: number;
  readonly maxInboundBytes: number;
  readonly fetch?: FetchLike;
  readonly redaction: SecretRedaction;
}

const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
/** Default {@link ResendWebhooksOptions.maxInboundBytes}: 40 MiB. */
export const DEFAULT_MAX_INBOUND_BYTES = 40 * 1024 * 1024;

function secret(option: string | undefined, name: string, label: string): string | undefined {
  const setting = resolveSetting(option, { esp: "RESEND", name });
  return setting === undefined ? undefined : checkCredential("Resend", label, setting);
}

/** Applies env fallbacks; throws AnymailConfigurationError for unusable values. */
export function resolveWebhookConfig(options: ResendWebhooksOptions): ResolvedWebhookConfig {
  const signingSecret = secret(options.signingSecret, "SIGNING_SECRET", "signingSecret");
  const inboundSecret = secret(options.inboundSecret, "INBOUND_SECRET", "inboundSecret");
  const apiKey = resolveApiKey(options.apiKey);
  const apiUrl = resolveApiUrl(options.apiUrl);
  const fetchTimeoutMs = positiveMs(
    "Resend",
    "fetchTimeoutMs",
    options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
  );
  const maxInboundBytes = positiveInteger(
    "Resend",
    "maxInboundBytes",
    options.maxInboundBytes ?? DEFAULT_MAX_INBOUND_BYTES,
  );

  return {
    ...(signingSecret === undefined ? {} : { signingSecret }),
    ...(inboundSecret === undefined ? {} : { inboundSecret }),
    ...(apiKey === undefined ? {} : { apiKey }),
    apiUrl,
    fetchTimeoutMs,
    maxInboundBytes,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    redaction: resendRedaction([apiKey, signingSecret, inboundSecret]),
  };
}
