import { AnymailConfigurationError } from "@anymail/core";
import type { Dispatcher } from "undici";
import { positiveMs, resolveApiKey, resolveApiUrl } from "./internal/env.js";
import { VERSION } from "./version.js";

export { DEFAULT_RESEND_API_URL } from "./internal/env.js";

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
  /** Resend API key; else `ANYMAIL_RESEND_API_KEY`, then `RESEND_API_KEY`. */
  apiKey?: string;
  /** API base URL, with or without trailing slash; else `ANYMAIL_RESEND_API_URL`, then `RESEND_API_URL`, then `https://api.resend.com/`. */
  apiUrl?: string;
  /** Wait for response headers, then for each body chunk, in milliseconds (connect: at most 10 000). Default 30 000. */
  timeoutMs?: number;
  /** Refuse attachments whose filename extension implies another content type (Resend drops such mail silently). Default true. */
  verifyAttachmentExtensions?: boolean;
  /** Replaces the `User-Agent` header (default `anymail-resend/<version>`). */
  userAgent?: string;
  /** Keep-alive connections per origin in the provider's pool. Default: unlimited (undici's default). */
  connections?: number;
  /** An undici dispatcher to send through instead of the provider's own pool (tests, proxies). It is not closed by `close()`. */
  dispatcher?: Dispatcher;
}

/**
 * {@link ResendOptions} after defaults and env fallbacks.
 *
 * @example
 * ```ts
 * const config: ResolvedResendConfig = resolveResendConfig({ apiKey: "re_123", apiUrl: "http://localhost:3000" });
 * config.apiUrl; // "http://localhost:3000/"
 * config.timeoutMs; // 30000
 * ```
 */
export interface ResolvedResendConfig {
  readonly apiKey: string;
  /** Always ends with `/`. */
  readonly apiUrl: string;
  readonly timeoutMs: number;
  readonly verifyAttachmentExtensions: boolean;
  readonly userAgent: string;
  readonly connections?: number;
  readonly dispatcher?: Dispatcher;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Applies defaults and env fallbacks; throws {@link AnymailConfigurationError} for a
 * missing key or an unusable option, so mistakes surface when the provider is built.
 *
 * @example
 * ```ts
 * resolveResendConfig({ apiKey: "re_123" }).apiUrl; // "https://api.resend.com/"
 * ```
 */
export function resolveResendConfig(options: ResendOptions = {}): ResolvedResendConfig {
  const apiKey = resolveApiKey(options.apiKey);
  if (apiKey === undefined) {
    throw new AnymailConfigurationError(
      "Resend API key missing: pass resend({ apiKey }), or set the ANYMAIL_RESEND_API_KEY or RESEND_API_KEY environment variable",
      { provider: "Resend" },
    );
  }
  const apiUrl = resolveApiUrl(options.apiUrl);
  const timeoutMs = positiveMs("timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (
    options.connections !== undefined &&
    (!Number.isInteger(options.connections) || options.connections < 1)
  ) {
    throw new AnymailConfigurationError(
      `Resend connections must be a positive integer, got ${String(options.connections)}`,
      { provider: "Resend" },
    );
  }
  const userAgent = options.userAgent ?? `anymail-resend/${VERSION}`;
  if (/[\r\n]/.test(userAgent)) {
    throw new AnymailConfigurationError("Resend userAgent contains a line break", {
      provider: "Resend",
    });
  }

  return {
    apiKey,
    apiUrl,
    timeoutMs,
    verifyAttachmentExtensions: options.verifyAttachmentExtensions ?? true,
    userAgent,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  };
}
