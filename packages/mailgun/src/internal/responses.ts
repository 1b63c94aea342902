import { AnymailAPIError, type EspResponse, isRetryableStatus } from "@anymail/core";
import type { HttpResponse } from "./http.js";

const PROVIDER = "Mailgun";

/** Parses a JSON body, else keeps the text; never lets the key travel further. */
export function toEspResponse(response: HttpResponse, secret: string): EspResponse {
  const text =
    secret.length >= 4 && response.body.includes(secret)
      ? response.body.split(secret).join("[redacted]")
      : response.body;
  let body: unknown = text;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      // Mailgun answers some errors in plain text or HTML: keep the text.
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/** `retry-after` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One readable line from a JSON `message`, plain text, or an HTML page's title/text. */
export function errorDetail(body: unknown): string | undefined {
  if (isRecord(body)) {
    if (typeof body.message === "string") return body.message;
    if (typeof body.error === "string") return body.error;
    return undefined;
  }
  if (typeof body !== "string" || body.trim() === "") return undefined;
  let text = body;
  if (/<\/?[a-z][\s\S]*>/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1];
    text = (title ?? h1 ?? text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")).replace(
      /<[^>]*>/g,
      " ",
    );
  }
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

/** The AnymailAPIError for a non-2xx response (JSON, plain-text or HTML error bodies). */
export function apiErrorFromResponse(
  espResponse: EspResponse,
  context: { senderDomain: string; apiUrl: string },
): AnymailAPIError {
  const { status, body } = espResponse;
  const detail = errorDetail(body);
  const retryAfterMs = parseRetryAfter(espResponse.headers["retry-after"]);
  const message =
    status === 404 && detail?.includes("Domain not found")
      ? `Unknown sender domain '${context.senderDomain}'.\nCheck the domain is verified with Mailgun, and that the MAILGUN_API_URL setting '${context.apiUrl}' is the correct region.`
      : `Mailgun API response ${status}${detail === undefined ? "" : `: ${detail}`}`;
  return new AnymailAPIError(message, {
    provider: PROVIDER,
    statusCode: status,
    response: espResponse,
    // 5xx, 408 and 429 were answered without accepting the message: safe to send again.
    // A 504 is a gateway giving up on Mailgun, which may still have accepted it.
    retryable: status !== 504 && isRetryableStatus(status),
    kind: "http",
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function invalidResponse(espResponse: EspResponse, message: string): AnymailAPIError {
  return new AnymailAPIError(message, {
    provider: PROVIDER,
    statusCode: espResponse.status,
    response: espResponse,
    kind: "invalid_response",
    retryable: false,
  });
}

/**
 * The message id of a 2xx answer, `{"id": "<…>", "message": "Queued. Thank you."}`; anything
 * else is an invalid_response error (e.g. the 200 "Mailgun Magnificent API" page that a
 * wrong URL gets).
 */
export function parseSendResponse(espResponse: EspResponse, url: URL): string {
  const { body } = espResponse;
  if (typeof body === "string" && body.includes("Mailgun Magnificent API")) {
    throw invalidResponse(
      espResponse,
      `Invalid Mailgun API endpoint '${url.href}'.\nCheck your MAILGUN_SENDER_DOMAIN and MAILGUN_API_URL settings.`,
    );
  }
  if (!isRecord(body) || typeof body.id !== "string" || typeof body.message !== "string") {
    throw invalidResponse(espResponse, "Invalid Mailgun API response format");
  }
  if (!body.message.startsWith("Queued")) {
    throw invalidResponse(espResponse, `Unrecognized Mailgun API message '${body.message}'`);
  }
  return body.id;
}
