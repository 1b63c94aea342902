import type { SecretRedaction } from "@anymail/core";
import {
  defineRedaction,
  parseBaseUrl,
  positiveMs,
  requireCredential,
  resolveSetting,
  type SettingLookup,
  settingEnvNames,
} from "@anymail/http";

/** Options of the __name__() provider factory. */
export interface __Name__Options {
  /** API key; else `ANYMAIL___NAME___API_KEY`, then `__NAME___API_KEY`. */
  apiKey?: string;
  /** API base URL, with or without a trailing slash; else `ANYMAIL___NAME___API_URL`, then `__NAME___API_URL`. */
  apiUrl?: string;
  /** Per-request timeout. Default 30 000 ms. */
  timeoutMs?: number;
}

/** Options with every default and environment fallback applied. */
export interface __Name__Config {
  apiKey: string;
  apiUrl: string;
  timeoutMs: number;
  /** The secrets core and the kit mask in logs and errors. */
  redaction: SecretRedaction;
}

const PROVIDER = "__Name__";
const DEFAULT_API_URL = "https://api.__name__.example/";
const API_KEY: SettingLookup = { esp: "__NAME__", name: "API_KEY" };
const API_URL: SettingLookup = { esp: "__NAME__", name: "API_URL" };

/** Resolves options and environment variables; a missing or malformed key fails here, not at send time. */
export function resolveConfig(options: __Name__Options = {}): __Name__Config {
  const apiKey = requireCredential(
    PROVIDER,
    "apiKey",
    resolveSetting(options.apiKey, API_KEY),
    settingEnvNames(API_KEY),
  );
  const url = resolveSetting(options.apiUrl, API_URL);
  return {
    apiKey,
    apiUrl: url === undefined ? DEFAULT_API_URL : parseBaseUrl(PROVIDER, "apiUrl", url),
    timeoutMs: positiveMs(PROVIDER, "timeoutMs", options.timeoutMs ?? 30_000),
    // Name the ESP's secret header/option names and key format here, e.g. patterns: [/\bkey-\w+/g].
    redaction: defineRedaction({ keys: [], patterns: [], values: [apiKey] }),
  };
}
