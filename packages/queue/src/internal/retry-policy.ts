import {
  type AnymailAPIError,
  type AnymailError,
  isAnymailError,
  type Provider,
} from "@anymail/core";

/** A 429 worth waiting for (not a quota 429, which providers mark non-retryable). */
export function isRateLimited(error: AnymailError): boolean {
  return isAnymailError(error, "api_error") && error.statusCode === 429 && error.retryable;
}

/**
 * Whether another attempt may succeed without sending twice. A failure after the request
 * was written (network, timeout) is retried only when the provider de-duplicates by key.
 */
export function shouldRetry(error: AnymailError, provider: Provider): boolean {
  if (!isAnymailError(error, "api_error") || !error.retryable) return false;
  const ambiguous = error.kind === "network" || error.kind === "timeout";
  return !ambiguous || (provider as { idempotent?: boolean }).idempotent === true;
}

/**
 * BullMQ's wait before the next attempt: the provider's retry-after when it gave one,
 * else exponential from the job's base delay with full jitter, capped.
 */
export function backoffDelay(
  attemptsMade: number,
  backoff: unknown,
  _error: Error | undefined,
  job: { data?: { error?: { retryAfterMs?: number } } } | undefined,
  maxBackoffMs: number,
): number {
  const retryAfter = job?.data?.error?.retryAfterMs;
  if (typeof retryAfter === "number" && retryAfter >= 0) return Math.min(retryAfter, maxBackoffMs);
  const base =
    typeof backoff === "object" &&
    backoff !== null &&
    typeof (backoff as { delay?: unknown }).delay === "number"
      ? (backoff as { delay: number }).delay
      : 1_000;
  const ceiling = Math.min(maxBackoffMs, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.max(1, Math.floor(Math.random() * ceiling));
}

export type { AnymailAPIError };
