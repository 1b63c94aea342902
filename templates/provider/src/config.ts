import { AnymailConfigurationError } from "@anymail/core";

/** Options of the __name__() provider factory. */
export interface __Name__Options {
  /** API key; falls back to `ANYMAIL___NAME___API_KEY`, then `__NAME___API_KEY`. */
  apiKey?: string;
  /** API base URL, with or without a trailing slash. */
  apiUrl?: string;
  /** Per-request timeout. Default 30 000 ms. */
  timeoutMs?: number;
}

/** Options with every default and environment fallback applied. */
export interface __Name__Config {
  apiKey: string;
  apiUrl: string;
  timeoutMs: number;
}

const DEFAULT_API_URL = "https://api.__name__.example/";

/** Resolves options and environment variables; a missing key fails here, not at send time. */
export function resolveConfig(options: __Name__Options = {}): __Name__Config {
  const env = typeof process === "undefined" ? {} : process.env;
  const apiKey = options.apiKey ?? env.ANYMAIL___NAME___API_KEY ?? env.__NAME___API_KEY;
  if (!apiKey) {
    throw new AnymailConfigurationError(
      "__Name__ API key missing: pass { apiKey }, or set ANYMAIL___NAME___API_KEY or __NAME___API_KEY",
      { provider: "__Name__" },
    );
  }
  const apiUrl = options.apiUrl ?? env.ANYMAIL___NAME___API_URL ?? DEFAULT_API_URL;
  return {
    apiKey,
    apiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
}
