import { AnymailAPIError, isAnymailError } from "@anymail/core";

/**
 * Postmark has no idempotency key, so a failure after the request may have been written
 * (`network`, `timeout`) must not be sent again: core already won't (the provider is not
 * idempotent); this also makes the error itself say so (`retryable: false`), for callers
 * and queues that decide by it. A `connect` failure (never written) stays retryable.
 */
export function withoutAmbiguousRetry(error: unknown): unknown {
  if (!isAnymailError(error, "api_error")) return error;
  if ((error.kind !== "network" && error.kind !== "timeout") || !error.retryable) return error;
  return new AnymailAPIError(
    `${error.message}; Postmark may have accepted the message and has no idempotency key, so it is not retried`,
    { provider: "Postmark", kind: error.kind, retryable: false, cause: error },
  );
}
