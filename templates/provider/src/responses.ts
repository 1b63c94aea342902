import type { AnymailAPIError, EspResponse } from "@anymail/core";
import { apiErrorFromResponse, invalidResponse, isRetryableStatus } from "@anymail/http";

const PROVIDER = "__Name__";

function errorName(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const name = (body as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

/**
 * The ESP-specific classifier: which error statuses and codes are worth sending again.
 * The kit reads Retry-After (seconds or HTTP date) and builds the message.
 */
export function __name__ApiError(response: EspResponse): AnymailAPIError {
  const name = errorName(response.body);
  const detail = (response.body as { message?: unknown } | null)?.message;
  return apiErrorFromResponse(PROVIDER, response, {
    retryable: isRetryableStatus(response.status),
    ...(name === undefined ? {} : { providerCode: name }),
    ...(typeof detail === "string" ? { detail } : {}),
  });
}

/** The message id of a 2xx answer; anything else is an `invalid_response` error. */
export function messageIdOf(response: EspResponse): string {
  const id = (response.body as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || id === "") throw invalidResponse(PROVIDER, response, "no id");
  return id;
}

/**
 * The recipients a 2xx answer refuses (`"rejected": ["addr@example.com"]`), lower-cased. An
 * ESP that accepts the request but refuses some recipients answers with statuses, not an
 * error: the send returns them and core throws only when every recipient was refused.
 */
export function refusedOf(response: EspResponse): ReadonlySet<string> {
  const rejected = (response.body as { rejected?: unknown } | null)?.rejected;
  if (rejected === undefined) return new Set();
  if (!Array.isArray(rejected) || rejected.some((item) => typeof item !== "string")) {
    throw invalidResponse(PROVIDER, response, "rejected is not a list of addresses");
  }
  return new Set((rejected as string[]).map((address) => address.toLowerCase()));
}
