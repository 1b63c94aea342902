import { AnymailConfigurationError } from "@anymail/core";
import { resolveSetting } from "@anymail/http";
import { MAILGUN_SETTINGS } from "../config.js";

/**
 * Options of {@link mailgunWebhooks}.
 *
 * @example
 * ```ts
 * const options: MailgunWebhooksOptions = { webhookSigningKey: process.env.MAILGUN_WEBHOOK_SIGNING_KEY };
 * ```
 */
export interface MailgunWebhooksOptions {
  /**
   * Mailgun's "HTTP webhook signing key"; else `ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY`, then
   * `MAILGUN_WEBHOOK_SIGNING_KEY`. Required: without it construction fails.
   */
  webhookSigningKey?: string;
  /**
   * Oldest signature timestamp accepted, in seconds. Default 9 hours: Mailgun resends a
   * failed delivery with its original signature for up to 8 hours. Within the window a
   * replayed token is caught by the token memory below and by the handler's replay store.
   */
  maxAgeSeconds?: number;
  /** How far in the future a timestamp may be (clock skew), in seconds. Default 300. */
  maxClockSkewSeconds?: number;
  /** Tokens remembered (with a digest of their body) to refuse a token reused on another body. Default 100 000. */
  tokenMemory?: number;
}

/** Options after env fallbacks and defaults. */
export interface ResolvedMailgunWebhooksConfig {
  readonly webhookSigningKey: string;
  readonly maxAgeSeconds: number;
  readonly maxClockSkewSeconds: number;
  readonly tokenMemory: number;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new AnymailConfigurationError(
      `mailgunWebhooks ${name} must be a non-negative number, got ${String(value)}`,
      { provider: "Mailgun" },
    );
  }
  return value;
}

/** Applies env fallbacks; a missing signing key is a configuration error, never a silent pass. */
export function resolveMailgunWebhooksConfig(
  options: MailgunWebhooksOptions = {},
): ResolvedMailgunWebhooksConfig {
  const webhookSigningKey = resolveSetting(
    options.webhookSigningKey,
    MAILGUN_SETTINGS.webhookSigningKey,
  )?.value;
  if (webhookSigningKey === undefined) {
    throw new AnymailConfigurationError(
      "Mailgun webhook signing key missing: pass mailgunWebhooks({ webhookSigningKey }), or set the ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY or MAILGUN_WEBHOOK_SIGNING_KEY environment variable (Mailgun dashboard: API security → HTTP webhook signing key)",
      { provider: "Mailgun" },
    );
  }
  const tokenMemory = options.tokenMemory ?? 100_000;
  if (!Number.isInteger(tokenMemory) || tokenMemory < 0) {
    throw new AnymailConfigurationError(
      `mailgunWebhooks tokenMemory must be a non-negative integer, got ${String(tokenMemory)}`,
      { provider: "Mailgun" },
    );
  }
  return {
    webhookSigningKey,
    maxAgeSeconds: nonNegative("maxAgeSeconds", options.maxAgeSeconds ?? 9 * 3600),
    maxClockSkewSeconds: nonNegative("maxClockSkewSeconds", options.maxClockSkewSeconds ?? 300),
    tokenMemory,
  };
}
