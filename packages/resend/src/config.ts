import type { SecretRedaction } from "@anymail/core";
import {
  type FetchLike,
  type HttpClientOptions,
  headerOption,
  parseBaseUrl,
  positiveInteger,
  positiveMs,
  requireCredential,
  resolveSetting,
  type SettingLookup,
  settingEnvNames,
} from "@anymail/http";
import { resendRedaction } from "./secrets.js";
import { VERSION } from "./version.js";

/**
 * Resend's production API.
 *
 * @example
 * ```ts
 * resend({ apiUrl: process.env.USE_EMULATOR ? emulator.url : DEFAULT_RESEND_API_URL });
 * ```
 */
export const DEFAULT_RESEND_API_URL = "https://api.resend.com/";

const PROVIDER = "Resend";
const API_KEY: SettingLookup = { esp: "RESEND", name: "API_KEY" };
// RESEND_BASE_URL is the official SDK's name: read last, so a config written for it works.
const API_URL: SettingLookup = { esp: "RESEND", name: "API_URL", fallbacks: ["RESEND_BASE_URL"] };

/**
 * Options of {@link resend}. Every field is optional; the key and URL fall back to
 * environment variables.
 *
 * @example
 * ```ts
 * const options: ResendOptions = { apiKey: "re_123", timeoutMs: 10_000 };
 * ```
 */
export interface ResendOptions {
  /** Resend API key; else `ANYMAIL_RESEND_API_KEY`, then `RESEND_API_KEY`. Visible ASCII only. */
  apiKey?: string;
  /** API base URL, with or without trailing slash; else `ANYMAIL_RESEND_API_URL`, `RESEND_API_URL`, `RESEND_BASE_URL`, then `https://api.resend.com/`. */
  apiUrl?: string;
  /** Wait for response headers, then for each body chunk, in milliseconds (connect: at most 10 000). Default 30 000. Below 5 000 it is exact and bounds the whole exchange; from 5 000 up it may fire up to ~0.5 s late (undici's timer tick). */
  timeoutMs?: number;
  /** Refuse attachments whose filename extension implies another content type (Resend drops such mail silently). Default true. */
  verifyAttachmentExtensions?: boolean;
  /** Replaces the `User-Agent` header (default `anymail-resend/<version>`). */
  userAgent?: string;
  /** Keep-alive connections per origin in the provider's pool. Default: unlimited (undici's default). */
  connections?: number;
  /** An undici dispatcher to send through instead of the provider's own pool (tests, proxies). It is not closed by `close()`. */
  dispatcher?: HttpClientOptions["dispatcher"];
  /** Send with this `fetch` instead of undici (edge runtimes, instrumentation); undici is then never loaded. */
  fetch?: FetchLike;
  /** Log every API request and response (bodies included, secrets redacted) at level `debug` through the mailer's logger. Default false. */
  debugApiRequests?: boolean;
}

/** {@link ResendOptions} after defaults and env fallbacks. */
export interface ResolvedResendConfig {
  readonly apiKey: string;
  /** Always ends with `/`. */
  readonly apiUrl: string;
  readonly timeoutMs: number;
  readonly verifyAttachmentExtensions: boolean;
  readonly userAgent: string;
  readonly connections?: number;
  readonly dispatcher?: HttpClientOptions["dispatcher"];
  readonly fetch?: FetchLike;
  readonly debugApiRequests: boolean;
  readonly redaction: SecretRedaction;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The API key, checked (visible ASCII), if one is configured. */
export function resolveApiKey(option: string | undefined): string | undefined {
  const setting = resolveSetting(option, API_KEY);
  return setting === undefined
    ? undefined
    : requireCredential(PROVIDER, "apiKey", setting, settingEnvNames(API_KEY));
}

/** The API base URL from the option or env, validated, always ending with `/`. */
export function resolveApiUrl(option: string | undefined): string {
  const setting = resolveSetting(option, API_URL);
  return setting === undefined ? DEFAULT_RESEND_API_URL : parseBaseUrl(PROVIDER, "apiUrl", setting);
}

/**
 * Applies defaults and env fallbacks; throws `AnymailConfigurationError` for a missing
 * key or an unusable option (never echoing a value), so mistakes surface when the
 * provider is built.
 */
export function resolveResendConfig(options: ResendOptions = {}): ResolvedResendConfig {
  const apiKey = requireCredential(
    PROVIDER,
    "apiKey",
    resolveSetting(options.apiKey, API_KEY),
    settingEnvNames(API_KEY),
  );
  const apiUrl = resolveApiUrl(options.apiUrl);
  const timeoutMs = positiveMs(PROVIDER, "timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const userAgent = headerOption(
    PROVIDER,
    "userAgent",
    options.userAgent ?? `anymail-resend/${VERSION}`,
  );
  return {
    apiKey,
    apiUrl,
    timeoutMs,
    verifyAttachmentExtensions: options.verifyAttachmentExtensions ?? true,
    userAgent,
    ...(options.connections === undefined
      ? {}
      : { connections: positiveInteger(PROVIDER, "connections", options.connections) }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    debugApiRequests: options.debugApiRequests === true,
    redaction: resendRedaction([apiKey]),
  };
}
