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
import { postmarkRedaction } from "./secrets.js";
import { VERSION } from "./version.js";

/**
 * Postmark's production API.
 *
 * @example
 * ```ts
 * postmark({ apiUrl: process.env.USE_EMULATOR ? emulator.url : DEFAULT_POSTMARK_API_URL });
 * ```
 */
export const DEFAULT_POSTMARK_API_URL = "https://api.postmarkapp.com/";

const PROVIDER = "Postmark";
const SERVER_TOKEN: SettingLookup = { esp: "POSTMARK", name: "SERVER_TOKEN" };
const API_URL: SettingLookup = { esp: "POSTMARK", name: "API_URL" };

/**
 * Options of {@link postmark}. Every field is optional; the token and URL fall back to
 * environment variables.
 *
 * @example
 * ```ts
 * const options: PostmarkOptions = { serverToken: "your-server-token", timeoutMs: 10_000 };
 * ```
 */
export interface PostmarkOptions {
  /** Postmark server token; else `ANYMAIL_POSTMARK_SERVER_TOKEN`, then `POSTMARK_SERVER_TOKEN`. Visible ASCII only. */
  serverToken?: string;
  /** API base URL, with or without trailing slash; else `ANYMAIL_POSTMARK_API_URL`, then `POSTMARK_API_URL`, then `https://api.postmarkapp.com/`. */
  apiUrl?: string;
  /** Wait for response headers, then for each body chunk, in milliseconds (connect: at most 10 000). Default 30 000. Below 5 000 it is exact and bounds the whole exchange; from 5 000 up it may fire up to ~0.5 s late (undici's timer tick). */
  timeoutMs?: number;
  /** Replaces the `User-Agent` header (default `anymail-postmark/<version>`). */
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

/**
 * {@link PostmarkOptions} after defaults and env fallbacks.
 *
 * @example
 * ```ts
 * const config: ResolvedPostmarkConfig = resolvePostmarkConfig({ serverToken: "token", apiUrl: "http://localhost:3000" });
 * config.apiUrl; // "http://localhost:3000/"
 * ```
 */
export interface ResolvedPostmarkConfig {
  readonly serverToken: string;
  /** Always ends with `/`. */
  readonly apiUrl: string;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly connections?: number;
  readonly dispatcher?: HttpClientOptions["dispatcher"];
  readonly fetch?: FetchLike;
  readonly debugApiRequests: boolean;
  readonly redaction: SecretRedaction;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Applies defaults and env fallbacks; throws `AnymailConfigurationError` for a missing
 * token or an unusable option (never echoing a value), so mistakes surface when the
 * provider is built.
 *
 * @example
 * ```ts
 * resolvePostmarkConfig({ serverToken: "token" }).apiUrl; // "https://api.postmarkapp.com/"
 * ```
 */
export function resolvePostmarkConfig(options: PostmarkOptions = {}): ResolvedPostmarkConfig {
  const serverToken = requireCredential(
    PROVIDER,
    "serverToken",
    resolveSetting(options.serverToken, SERVER_TOKEN),
    settingEnvNames(SERVER_TOKEN),
  );
  const urlSetting = resolveSetting(options.apiUrl, API_URL);
  const apiUrl =
    urlSetting === undefined
      ? DEFAULT_POSTMARK_API_URL
      : parseBaseUrl(PROVIDER, "apiUrl", urlSetting);
  const timeoutMs = positiveMs(PROVIDER, "timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const userAgent = headerOption(
    PROVIDER,
    "userAgent",
    options.userAgent ?? `anymail-postmark/${VERSION}`,
  );
  return {
    serverToken,
    apiUrl,
    timeoutMs,
    userAgent,
    ...(options.connections === undefined
      ? {}
      : { connections: positiveInteger(PROVIDER, "connections", options.connections) }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    debugApiRequests: options.debugApiRequests === true,
    redaction: postmarkRedaction([serverToken]),
  };
}
