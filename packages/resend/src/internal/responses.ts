import { AnymailAPIError, type EspResponse } from "@anymail/core";
import type { HttpResponse } from "../http-client.js";

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

/** Parses the body when it is JSON, else keeps the text. */
export function toEspResponse(response: HttpResponse, secret: string): EspResponse {
  const text = scrub(response.body, secret);
  let body: unknown = text;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text, callers decide whether that is an error.
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/** A response should never echo the key, but if it ever did, it must not travel further. */
function scrub(text: string, secret: string): string {
  return secret.length >= 4 && text.includes(secret) ? text.split(secret).join("[redacted]") : text;
}

/** `retry-after` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

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

/** The AnymailAPIError for a non-2xx response, from Resend's `{statusCode, name, message}`. */
export function apiErrorFromResponse(espResponse: EspResponse): AnymailAPIError {
  const { status, body } = espResponse;
  const name = isRecord(body) && typeof body.name === "string" ? body.name : undefined;
  const detail =
    isRecord(body) && typeof body.message === "string"
      ? body.message
      : typeof body === "string"
        ? truncate(body)
        : undefined;
  const retryAfterMs = parseRetryAfter(espResponse.headers["retry-after"]);
  const message =
    `Resend API response ${status}` +
    (name === undefined ? "" : ` ${name}`) +
    (detail === undefined || detail === "" ? "" : `: ${detail}`);
  return new AnymailAPIError(message, {
    provider: PROVIDER,
    statusCode: status,
    response: espResponse,
    retryable: isRetryableResendError(status, name),
    kind: "http",
    ...(name === undefined ? {} : { providerCode: name }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

function invalidResponse(espResponse: EspResponse, why: string): AnymailAPIError {
  return new AnymailAPIError(`Invalid Resend API response: ${why}`, {
    provider: PROVIDER,
    statusCode: espResponse.status,
    response: espResponse,
    kind: "invalid_response",
    retryable: false,
  });
}

/** The id of a `POST /emails` 2xx response; anything else is an invalid_response error. */
export function parseSingleResponse(espResponse: EspResponse): string {
  const { body } = espResponse;
  if (!isRecord(body)) {
    throw invalidResponse(espResponse, typeof body === "string" ? "not JSON" : "not a JSON object");
  }
  if (typeof body.id !== "string" || body.id === "") {
    throw invalidResponse(espResponse, "no email id");
  }
  return body.id;
}

/** The ids of a `POST /emails/batch` 2xx response, exactly one per email sent. */
export function parseBatchResponse(espResponse: EspResponse, expected: number): string[] {
  const { body } = espResponse;
  if (!isRecord(body)) {
    throw invalidResponse(espResponse, typeof body === "string" ? "not JSON" : "not a JSON object");
  }
  const { data, errors } = body;
  if (Array.isArray(errors) && errors.length > 0) {
    throw invalidResponse(espResponse, `${errors.length} batch email(s) reported as errors`);
  }
  if (!Array.isArray(data)) throw invalidResponse(espResponse, "no data array");
  if (data.length !== expected) {
    throw invalidResponse(espResponse, `${data.length} ids for ${expected} emails`);
  }
  return data.map((item, index) => {
    if (!isRecord(item) || typeof item.id !== "string" || item.id === "") {
      throw invalidResponse(espResponse, `batch item ${index} has no id`);
    }
    return item.id;
  });
}
