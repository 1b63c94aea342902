import type { AnymailAPIError, EspResponse } from "@anymail/core";
import { apiErrorFromResponse, invalidResponse } from "@anymail/http";

const PROVIDER = "Resend";

/** Resend error names that mean "try the same request again later". */
const RETRYABLE_NAMES = new Set([
  "rate_limit_exceeded",
  "concurrent_idempotent_requests",
  "application_error",
  "internal_server_error",
]);
/** 429s that are quotas, not rate limits: waiting seconds won't help. */
const QUOTA_NAMES = new Set(["daily_quota_exceeded", "monthly_quota_exceeded"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a Resend failure may succeed when sent again unchanged (SPEC §2.5). */
export function isRetryableResendError(status: number, name: string | undefined): boolean {
  if (name !== undefined && QUOTA_NAMES.has(name)) return false;
  if (name !== undefined && RETRYABLE_NAMES.has(name)) return true;
  if (status >= 500) return true;
  // A 429 without a recognisable name is most likely a rate limit in front of the API.
  return status === 429 && name === undefined;
}

/**
 * The AnymailAPIError for a non-2xx response, from Resend's `{statusCode, name, message}`:
 * one classifier for sending and for the inbound webhook's API calls.
 */
export function resendApiError(espResponse: EspResponse): AnymailAPIError {
  const { status, body } = espResponse;
  const name = isRecord(body) && typeof body.name === "string" ? body.name : undefined;
  const detail = isRecord(body) && typeof body.message === "string" ? body.message : undefined;
  return apiErrorFromResponse(PROVIDER, espResponse, {
    retryable: isRetryableResendError(status, name),
    ...(name === undefined ? {} : { providerCode: name }),
    ...(detail === undefined ? {} : { detail }),
  });
}

/** The id of a `POST /emails` 2xx response; anything else is an invalid_response error. */
export function parseSingleResponse(espResponse: EspResponse): string {
  const { body } = espResponse;
  if (!isRecord(body)) {
    throw invalidResponse(
      PROVIDER,
      espResponse,
      typeof body === "string" ? "not JSON" : "not a JSON object",
    );
  }
  if (typeof body.id !== "string" || body.id === "") {
    throw invalidResponse(PROVIDER, espResponse, "no email id");
  }
  return body.id;
}

/** The ids of a `POST /emails/batch` 2xx response, exactly one per email sent. */
export function parseBatchResponse(espResponse: EspResponse, expected: number): string[] {
  const { body } = espResponse;
  if (!isRecord(body)) {
    throw invalidResponse(
      PROVIDER,
      espResponse,
      typeof body === "string" ? "not JSON" : "not a JSON object",
    );
  }
  const { data, errors } = body;
  if (Array.isArray(errors) && errors.length > 0) {
    throw invalidResponse(
      PROVIDER,
      espResponse,
      `${errors.length} batch email(s) reported as errors`,
    );
  }
  if (!Array.isArray(data)) throw invalidResponse(PROVIDER, espResponse, "no data array");
  if (data.length !== expected) {
    throw invalidResponse(PROVIDER, espResponse, `${data.length} ids for ${expected} emails`);
  }
  return data.map((item, index) => {
    if (!isRecord(item) || typeof item.id !== "string" || item.id === "") {
      throw invalidResponse(PROVIDER, espResponse, `batch item ${index} has no id`);
    }
    return item.id;
  });
}
