import { AnymailConfigurationError } from "@anymail/core";
import type { Dispatcher } from "undici";
import { mailgunSetting } from "./internal/env.js";
import { invalidSenderDomainReason } from "./internal/sender-domain.js";
import { VERSION } from "./version.js";

/**
 * Mailgun's US API (the default).
 *
 * @example
 * ```ts
 * mailgun({ apiUrl: MAILGUN_US_API_URL }); // same as the default
 * ```
 */
export const MAILGUN_US_API_URL = "https://api.mailgun.net/v3";

/**
 * Mailgun's EU API: domains created in the EU region must use it.
 *
 * @example
 * ```ts
 * mailgun({ apiUrl: MAILGUN_EU_API_URL, senderDomain: "mg.example.eu" });
 * ```
 */
export const MAILGUN_EU_API_URL = "https://api.eu.mailgun.net/v3";

/**
 * Options of {@link mailgun}. Every field is optional; the key, sender domain and URL fall
 * back to environment variables.
 *
 * @example
 * ```ts
 * const options: MailgunOptions = { apiKey: "key-123", senderDomain: "mg.example.com", timeoutMs: 10_000 };
 * ```
 */
export interface MailgunOptions {
  /** Mailgun API key (a domain sending key is best); else `ANYMAIL_MAILGUN_API_KEY`, then `MAILGUN_API_KEY`. */
  apiKey?: string;
  /**
   * The Mailgun domain to send through, when it differs from the `from` domain; else
   * `ANYMAIL_MAILGUN_SENDER_DOMAIN`, then `MAILGUN_SENDER_DOMAIN`. A message's
   * `envelopeSender` (its domain) or `espExtra.sender_domain` overrides it per message.
   */
  senderDomain?: string;
  /**
   * API base URL up to `/v3`, with or without trailing slash; else `ANYMAIL_MAILGUN_API_URL`,
   * then `MAILGUN_API_URL`, then {@link MAILGUN_US_API_URL}. EU domains need {@link MAILGUN_EU_API_URL}.
   */
  apiUrl?: string;
  /** Wait for response headers, then for each body chunk, in milliseconds (connect: at most 10 000). Default 30 000. */
  timeoutMs?: number;
  /**
   * Refuse display names that mix non-ASCII characters with punctuation that needs quoting
   * (Mailgun encodes them so that mail apps show stray quotes). Default true.
   */
  checkDisplayNames?: boolean;
  /** Replaces the `User-Agent` header (default `anymail-mailgun/<version>`). */
  userAgent?: string;
  /** An undici dispatcher to send through instead of the provider's own pool (tests, proxies). It is not closed by `close()`. */
  dispatcher?: Dispatcher;
}

/**
 * {@link MailgunOptions} after defaults and env fallbacks.
 *
 * @example
 * ```ts
 * const config: ResolvedMailgunConfig = resolveMailgunConfig({ apiKey: "key-123" });
 * config.apiUrl; // "https://api.mailgun.net/v3/"
 * ```
 */
export interface ResolvedMailgunConfig {
  readonly apiKey: string;
  readonly senderDomain?: string;
  /** Always ends with `/`. */
  readonly apiUrl: string;
  readonly timeoutMs: number;
  readonly checkDisplayNames: boolean;
  readonly userAgent: string;
  readonly dispatcher?: Dispatcher;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function configError(message: string, cause?: unknown): AnymailConfigurationError {
  return new AnymailConfigurationError(message, {
    provider: "Mailgun",
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Applies defaults and env fallbacks; throws {@link AnymailConfigurationError} for a missing
 * key or an unusable option, so mistakes surface when the provider is built.
 *
 * @example
 * ```ts
 * resolveMailgunConfig({ apiKey: "key-123", apiUrl: MAILGUN_EU_API_URL }).apiUrl; // "https://api.eu.mailgun.net/v3/"
 * ```
 */
export function resolveMailgunConfig(options: MailgunOptions = {}): ResolvedMailgunConfig {
  const apiKey = mailgunSetting(options.apiKey, "API_KEY");
  if (apiKey === undefined) {
    throw configError(
      "Mailgun API key missing: pass mailgun({ apiKey }), or set the ANYMAIL_MAILGUN_API_KEY or MAILGUN_API_KEY environment variable",
    );
  }
  if (/[\r\n]/.test(apiKey)) throw configError("Mailgun API key contains a line break");

  const senderDomain = mailgunSetting(options.senderDomain, "SENDER_DOMAIN");
  if (senderDomain !== undefined) {
    const reason = invalidSenderDomainReason(senderDomain);
    if (reason !== undefined) throw configError(`Mailgun senderDomain: ${reason}`);
  }

  const rawUrl = mailgunSetting(options.apiUrl, "API_URL") ?? MAILGUN_US_API_URL;
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch (cause) {
    throw configError(`Mailgun apiUrl is not a valid URL: ${rawUrl}`, cause);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw configError(`Mailgun apiUrl must be http(s): ${rawUrl}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw configError("Mailgun apiUrl must not contain credentials: pass apiKey instead");
  }
  parsed.search = "";
  parsed.hash = "";
  const apiUrl = parsed.href.endsWith("/") ? parsed.href : `${parsed.href}/`;

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw configError(
      `Mailgun timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`,
    );
  }
  const userAgent = options.userAgent ?? `anymail-mailgun/${VERSION}`;
  if (/[\r\n]/.test(userAgent)) throw configError("Mailgun userAgent contains a line break");

  return {
    apiKey,
    ...(senderDomain === undefined ? {} : { senderDomain }),
    apiUrl,
    timeoutMs,
    checkDisplayNames: options.checkDisplayNames ?? true,
    userAgent,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  };
}
