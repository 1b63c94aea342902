import { AnymailConfigurationError } from "@anymail/core";
import { baseUrl, optionOrEnv } from "./internal/env.js";
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
  /** Postmark server token; else `ANYMAIL_POSTMARK_SERVER_TOKEN`, then `POSTMARK_SERVER_TOKEN`. */
  serverToken?: string;
  /** API base URL, with or without trailing slash; else `ANYMAIL_POSTMARK_API_URL`, then `POSTMARK_API_URL`, then `https://api.postmarkapp.com/`. */
  apiUrl?: string;
  /** Limit for one HTTP exchange (connect, send, response), in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Replaces the `User-Agent` header (default `anymail-postmark/<version>`). */
  userAgent?: string;
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
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** A token goes into a header: a line break would split it, so it is refused (never echoed). */
export function checkServerToken(token: string, where: string): void {
  if (/[\r\n]/.test(token) || token.trim() === "") {
    throw new AnymailConfigurationError(
      `Postmark server token from ${where} is blank or contains a line break`,
      { provider: "Postmark" },
    );
  }
}

/**
 * Applies defaults and env fallbacks; throws {@link AnymailConfigurationError} for a
 * missing token or an unusable option, so mistakes surface when the provider is built.
 *
 * @example
 * ```ts
 * resolvePostmarkConfig({ serverToken: "token" }).apiUrl; // "https://api.postmarkapp.com/"
 * ```
 */
export function resolvePostmarkConfig(options: PostmarkOptions = {}): ResolvedPostmarkConfig {
  const serverToken = optionOrEnv(
    options.serverToken,
    "ANYMAIL_POSTMARK_SERVER_TOKEN",
    "POSTMARK_SERVER_TOKEN",
  );
  if (serverToken === undefined) {
    throw new AnymailConfigurationError(
      "Postmark server token missing: pass postmark({ serverToken }), or set the ANYMAIL_POSTMARK_SERVER_TOKEN or POSTMARK_SERVER_TOKEN environment variable",
      { provider: "Postmark" },
    );
  }
  checkServerToken(serverToken, "the serverToken option or environment");
  const apiUrl = baseUrl(
    optionOrEnv(options.apiUrl, "ANYMAIL_POSTMARK_API_URL", "POSTMARK_API_URL") ??
      DEFAULT_POSTMARK_API_URL,
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new AnymailConfigurationError(
      `Postmark timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`,
      { provider: "Postmark" },
    );
  }
  const userAgent = options.userAgent ?? `anymail-postmark/${VERSION}`;
  if (/[\r\n]/.test(userAgent)) {
    throw new AnymailConfigurationError("Postmark userAgent contains a line break", {
      provider: "Postmark",
    });
  }
  return { serverToken, apiUrl, timeoutMs, userAgent };
}
