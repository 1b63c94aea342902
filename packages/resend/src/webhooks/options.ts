import { AnymailConfigurationError } from "@anymail/core";

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

const DEFAULT_API_URL = "https://api.resend.com/";
const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name];
  return value === undefined || value === "" ? undefined : value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Applies env fallbacks; throws AnymailConfigurationError for unusable values. */
export function resolveWebhookConfig(options: ResendWebhooksOptions): ResolvedWebhookConfig {
  const signingSecret = nonEmpty(options.signingSecret) ?? readEnv("RESEND_SIGNING_SECRET");
  const inboundSecret = nonEmpty(options.inboundSecret) ?? readEnv("RESEND_INBOUND_SECRET");
  const apiKey =
    nonEmpty(options.apiKey) ?? readEnv("ANYMAIL_RESEND_API_KEY") ?? readEnv("RESEND_API_KEY");
  if (apiKey !== undefined && /[\r\n]/.test(apiKey)) {
    // Never echo the key itself.
    throw new AnymailConfigurationError("Resend API key contains a line break", {
      provider: "Resend",
    });
  }

  const rawUrl =
    nonEmpty(options.apiUrl) ??
    readEnv("ANYMAIL_RESEND_API_URL") ??
    readEnv("RESEND_API_URL") ??
    DEFAULT_API_URL;
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch (cause) {
    throw new AnymailConfigurationError(`Resend apiUrl is not a valid URL: ${rawUrl}`, {
      provider: "Resend",
      cause,
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AnymailConfigurationError(`Resend apiUrl must be http(s): ${rawUrl}`, {
      provider: "Resend",
    });
  }
  parsed.search = "";
  parsed.hash = "";
  const apiUrl = parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;

  const fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  if (!Number.isFinite(fetchTimeoutMs) || fetchTimeoutMs <= 0) {
    throw new AnymailConfigurationError(
      `Resend fetchTimeoutMs must be a positive number of milliseconds, got ${String(fetchTimeoutMs)}`,
      { provider: "Resend" },
    );
  }

  return {
    ...(signingSecret === undefined ? {} : { signingSecret }),
    ...(inboundSecret === undefined ? {} : { inboundSecret }),
    ...(apiKey === undefined ? {} : { apiKey }),
    apiUrl,
    fetchTimeoutMs,
  };
}
