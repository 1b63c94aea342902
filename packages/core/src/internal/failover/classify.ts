import { AnymailError, isAnymailError } from "../../errors.js";
import type { PreparedMessage } from "../../prepared.js";

/**
 * What one failed member send proves:
 * - `not_accepted`: the message was provably not accepted, another provider may send it;
 * - `ambiguous`: the request may have been accepted (written, then no readable answer).
 */
export type FailureClass = "not_accepted" | "ambiguous";

export interface ClassifiedFailure {
  readonly class: FailureClass;
  /** Whether the failure says the provider is unhealthy (counts toward its circuit breaker). */
  readonly health: boolean;
  readonly error: AnymailError;
  readonly reason: string;
}

/**
 * Classifies a member's failure. A batch message larger than `singleCallRecipients` may
 * take several API calls, and an error on a later call doesn't prove the earlier ones were
 * not accepted: its failures are all ambiguous.
 */
export function classifyFailure(
  caught: unknown,
  provider: string,
  message: PreparedMessage,
  singleCallRecipients: number,
): ClassifiedFailure {
  if (!isAnymailError(caught)) {
    // A foreign error can come from anywhere in a provider, even after the request left.
    const error = new AnymailError(
      `Unexpected error while sending with ${provider}: ${caught instanceof Error ? caught.message : String(caught)}`,
      { provider, cause: caught },
    );
    return {
      class: "ambiguous",
      health: false,
      error,
      reason: `unexpected error: ${error.message}`,
    };
  }
  if (!isAnymailError(caught, "api_error")) {
    // Typed non-API errors (serialization, configuration) are thrown before any request.
    return {
      class: "not_accepted",
      health: false,
      error: caught,
      reason: `${caught.code}: ${caught.message}`,
    };
  }
  const { kind, statusCode } = caught;
  const answered = statusCode !== undefined && statusCode >= 300;
  const split = message.isBatch && recipientCount(message) > singleCallRecipients;
  const reason = describeApiFailure(caught.kind, statusCode, caught.providerCode, caught.message);
  if (split) {
    return {
      class: "ambiguous",
      health: false,
      error: caught,
      reason: `${reason}; a batch of more than ${singleCallRecipients} recipients may have been partly accepted`,
    };
  }
  if (kind === "connect" || kind === "http" || (kind === "invalid_response" && answered)) {
    return { class: "not_accepted", health: isHealthFailure(caught), error: caught, reason };
  }
  return { class: "ambiguous", health: false, error: caught, reason };
}

/**
 * Failures about the provider rather than the message: no connection, 5xx, 408, 429
 * (rate limit or quota), 401/403 (auth). A 400/422 refuses this message only.
 */
function isHealthFailure(error: {
  kind: string;
  statusCode?: number;
  retryable: boolean;
}): boolean {
  if (error.kind === "connect" || error.retryable) return true;
  const status = error.statusCode;
  return (
    status === 401 || status === 403 || status === 408 || status === 429 || (status ?? 0) >= 500
  );
}

function describeApiFailure(
  kind: string,
  statusCode: number | undefined,
  providerCode: string | undefined,
  message: string,
): string {
  const head = statusCode !== undefined ? `HTTP ${statusCode}` : kind;
  const code = providerCode !== undefined ? ` ${providerCode}` : "";
  return `${head}${code} (${kind}): ${message}`;
}

function recipientCount(message: PreparedMessage): number {
  return message.to.length + message.cc.length + message.bcc.length;
}
