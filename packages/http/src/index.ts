/**
 * @anymail/http: the provider kit. Everything an HTTP provider package reuses beyond its
 * ESP-specific code: one pooled client (undici, or a `fetch`) with timeouts, abort and
 * byte limits; error kinds that say whether a request may have been accepted;
 * Retry-After; status helpers; settings from options and env; credential and URL checks
 * that never echo secrets; redaction; lazy optional dependencies; JSON and `espExtra`.
 *
 * @example
 * ```ts
 * import { createHttpClient, resolveSetting, requireCredential, toEspResponse } from "@anymail/http";
 *
 * const apiKey = requireCredential("Example", "apiKey", resolveSetting(undefined, { esp: "EXAMPLE", name: "API_KEY" }), ["EXAMPLE_API_KEY"]);
 * const http = createHttpClient({ provider: "Example" });
 * const response = toEspResponse(await http.request({ method: "GET", url: "https://api.example.com/", headers: { authorization: `Bearer ${apiKey}` }, timeoutMs: 10_000 }));
 * ```
 * @module
 */
export {
  createHttpClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  STREAM_FORM_FILES_ABOVE,
} from "./client.js";
export type {
  FetchLike,
  HttpBytesResponse,
  HttpClient,
  HttpClientOptions,
  HttpRequest,
  HttpResponse,
} from "./client.js";
export { parseRetryAfter } from "./retry-after.js";
export { isSuccessStatus } from "./status.js";
/** 408, 429 and 5xx: core's classifier, re-exported so a provider needs only the kit. */
export { isRetryableStatus } from "@anymail/core";
export {
  apiErrorFromResponse,
  invalidResponse,
  parseJsonOrText,
  toEspResponse,
} from "./response.js";
export type { ApiErrorDetails } from "./response.js";
export { readEnv, resolveSetting, settingEnvNames } from "./env.js";
export type { Setting, SettingLookup } from "./env.js";
export {
  checkCredential,
  describeSetting,
  headerOption,
  parseBaseUrl,
  positiveInteger,
  positiveMs,
  requireCredential,
} from "./config.js";
export { createLazyRequire, isModuleNotFound, loadOptional } from "./lazy.js";
export type { LazyRequire, OptionalPackage } from "./lazy.js";
export { toJson } from "./json.js";
export { fromBase64, toBase64 } from "./base64.js";
export { mergeEspExtra } from "./merge.js";
export { defineRedaction } from "./redaction.js";
export type { ProviderSecrets } from "./redaction.js";
export { createHmacSha256, timingSafeEqualStrings } from "./hmac.js";
export type { HmacEngine, HmacSha256, MacEncoding } from "./hmac.js";
