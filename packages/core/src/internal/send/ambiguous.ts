import { AnymailAPIError, isAnymailError } from "../../errors.js";

/** The request may have reached the ESP, and no answer says what happened to it. */
export function isUnanswered(error: AnymailAPIError): boolean {
  return error.kind === "network" || error.kind === "timeout";
}

/**
 * A failure after the request was written (`network`, `timeout`) is retryable only for an
 * ESP that de-duplicates by key. For one that doesn't, core already never retries it; this
 * makes the error itself say so (`retryable: false`) for queues and callers that decide by
 * it. Errors of other kinds are returned unchanged.
 */
export function notRetryableIfAmbiguous(error: unknown, provider: string): unknown {
  if (!isAnymailError(error, "api_error") || !error.retryable) return error;
  if (!isUnanswered(error)) return error;
  return new AnymailAPIError(
    `${error.message}; ${provider} may have accepted the message and has no idempotency key, so it is not retried`,
    {
      provider: error.provider ?? provider,
      kind: error.kind,
      retryable: false,
      cause: error,
      ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
      ...(error.response === undefined ? {} : { response: error.response }),
      ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
    },
  );
}
