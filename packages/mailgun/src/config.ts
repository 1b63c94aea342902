import { AnymailConfigurationError } from "@anymail/core";
import {
  headerOption,
  parseBaseUrl,
  positiveMs,
  requireCredential,
  resolveSetting,
  type SettingLookup,
  settingEnvNames,
} from "@anymail/http";
import type { Dispatcher } from "undici";
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
  /** Send with this `fetch` instead of undici (edge runtimes, proxies); undici is then never loaded. */
  fetch?: (input: URL, init: RequestInit) => Promise<Response>;
  /** Log every API request and response (redacted) at level `debug` through the mailer's logger. */
  debugApiRequests?: boolean;
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
  readonly fetch?: (input: URL, init: RequestInit) => Promise<Response>;
  readonly debugApiRequests: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const PROVIDER = "Mailgun";

/** Env lookups: option → `ANYMAIL_MAILGUN_<NAME>` → `MAILGUN_<NAME>`. */
export const MAILGUN_SETTINGS = {
  apiKey: { esp: "MAILGUN", name: "API_KEY" },
  senderDomain: { esp: "MAILGUN", name: "SENDER_DOMAIN" },
  apiUrl: { esp: "MAILGUN", name: "API_URL" },
  webhookSigningKey: { esp: "MAILGUN", name: "WEBHOOK_SIGNING_KEY" },
} as const satisfies Record<string, SettingLookup>;

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
  const apiKey = requireCredential(
    PROVIDER,
    "apiKey",
    resolveSetting(options.apiKey, MAILGUN_SETTINGS.apiKey),
    settingEnvNames(MAILGUN_SETTINGS.apiKey),
  );
  const senderDomain = resolveSetting(options.senderDomain, MAILGUN_SETTINGS.senderDomain)?.value;
  if (senderDomain !== undefined) {
    const reason = invalidSenderDomainReason(senderDomain);
    if (reason !== undefined) {
      throw new AnymailConfigurationError(`Mailgun senderDomain: ${reason}`, {
        provider: PROVIDER,
      });
    }
  }
  const apiUrl = parseBaseUrl(
    PROVIDER,
    "apiUrl",
    resolveSetting(options.apiUrl, MAILGUN_SETTINGS.apiUrl) ?? {
      value: MAILGUN_US_API_URL,
      source: "option",
    },
  );
  if (/^[a-z]+:\/\/[^/]*@/i.test(apiUrl)) {
    throw new AnymailConfigurationError(
      "Mailgun apiUrl must not contain credentials: pass apiKey instead",
      {
        provider: PROVIDER,
      },
    );
  }
  return {
    apiKey,
    ...(senderDomain === undefined ? {} : { senderDomain }),
    apiUrl,
    timeoutMs: positiveMs(PROVIDER, "timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    checkDisplayNames: options.checkDisplayNames ?? true,
    userAgent: headerOption(
      PROVIDER,
      "userAgent",
      options.userAgent ?? `anymail-mailgun/${VERSION}`,
    ),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    debugApiRequests: options.debugApiRequests ?? false,
  };
}
