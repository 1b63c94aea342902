import {
  AnymailAPIError,
  type EspResponse,
  redactSecrets,
  type SecretRedaction,
} from "@anymail/core";
import type { HttpResponse } from "./client.js";
import { parseRetryAfter } from "./retry-after.js";
import { isSuccessStatus } from "./status.js";

/**
 * The `EspResponse` kept on results and errors: the body parsed when it is JSON (else the
 * text), and, for an error status, the body and every header scrubbed with the
 * provider's redaction (an ESP may echo the key back). 2xx bodies are kept as sent:
 * they are data (a received email may legitimately contain text that looks like a key).
 *
 * @example
 * ```ts
 * const espResponse = toEspResponse(await http.request(request), redaction);
 * espResponse.body; // { id: "…" }
 * ```
 */
export function toEspResponse(response: HttpResponse, redaction?: SecretRedaction): EspResponse {
  const failed = !isSuccessStatus(response.status);
  const text = failed ? redactSecrets(response.body, redaction) : response.body;
  return {
    status: response.status,
    headers: redactSecrets(response.headers, redaction),
    body: parseJsonOrText(text),
  };
}

/**
 * `JSON.parse` when the text is JSON, else the text itself (empty stays `""`).
 *
 * @example
 * ```ts
 * parseJsonOrText('{"a":1}'); // { a: 1 }
 * parseJsonOrText("Bad Gateway"); // "Bad Gateway"
 * ```
 */
export function parseJsonOrText(text: string): unknown {
  if (text === "") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Options of {@link apiErrorFromResponse}.
 *
 * @example
 * ```ts
 * const options: ApiErrorDetails = { providerCode: "rate_limit_exceeded", detail: "Too many requests", retryable: true };
 * ```
 */
export interface ApiErrorDetails {
  /** The ESP's own error name or code. */
  providerCode?: string;
  /** The ESP's human message. */
  detail?: string;
  /** Whether sending again unchanged may succeed (the provider's classifier decides). */
  retryable: boolean;
}

/**
 * The `AnymailAPIError` for an error status, with `retryAfterMs` from `Retry-After`
 * (seconds or HTTP date) and a one-line message: `"<Provider> API response <status>
 * <code>: <detail>"`; a text body stands in for a missing detail, truncated to 200 chars.
 *
 * @example
 * ```ts
 * throw apiErrorFromResponse("Example", espResponse, { providerCode: "bad_key", retryable: false });
 * ```
 */
export function apiErrorFromResponse(
  provider: string,
  response: EspResponse,
  details: ApiErrorDetails,
): AnymailAPIError {
  const detail =
    details.detail ?? (typeof response.body === "string" ? truncate(response.body) : undefined);
  const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
  const message =
    `${provider} API response ${response.status}` +
    (details.providerCode === undefined ? "" : ` ${details.providerCode}`) +
    (detail === undefined || detail === "" ? "" : `: ${detail}`);
  return new AnymailAPIError(message, {
    provider,
    statusCode: response.status,
    response,
    retryable: details.retryable,
    kind: "http",
    ...(details.providerCode === undefined ? {} : { providerCode: details.providerCode }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * The error for a response the provider can't read (2xx without the expected fields).
 *
 * @example
 * ```ts
 * throw invalidResponse("Example", espResponse, "no message id");
 * ```
 */
export function invalidResponse(
  provider: string,
  response: EspResponse,
  why: string,
  retryable = false,
): AnymailAPIError {
  return new AnymailAPIError(`Invalid ${provider} API response: ${why}`, {
    provider,
    statusCode: response.status,
    response,
    kind: "invalid_response",
    retryable,
  });
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
