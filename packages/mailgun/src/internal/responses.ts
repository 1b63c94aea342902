import { AnymailAPIError, type EspResponse } from "@anymail/core";
import { apiErrorFromResponse, invalidResponse, isRetryableStatus } from "@anymail/http";

const PROVIDER = "Mailgun";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One readable line from a JSON `message`, plain text, or an HTML page's title/heading. */
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
export function apiErrorFor(
  espResponse: EspResponse,
  context: { senderDomain: string; apiUrl: string },
): AnymailAPIError {
  const { status } = espResponse;
  const detail = errorDetail(espResponse.body);
  // 5xx, 408 and 429 were answered without accepting the message: safe to send again.
  // A 504 is a gateway giving up on Mailgun, which may still have accepted it.
  const retryable = status !== 504 && isRetryableStatus(status);
  if (status === 404 && detail?.includes("Domain not found")) {
    return new AnymailAPIError(
      `Unknown sender domain '${context.senderDomain}'.\nCheck the domain is verified with Mailgun, and that the MAILGUN_API_URL setting '${context.apiUrl}' is the correct region.`,
      { provider: PROVIDER, statusCode: status, response: espResponse, retryable, kind: "http" },
    );
  }
  return apiErrorFromResponse(PROVIDER, espResponse, {
    retryable,
    ...(detail === undefined ? {} : { detail }),
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
    return fail(
      espResponse,
      `Invalid Mailgun API endpoint '${url.href}'.\nCheck your MAILGUN_SENDER_DOMAIN and MAILGUN_API_URL settings.`,
    );
  }
  if (!isRecord(body) || typeof body.id !== "string" || typeof body.message !== "string") {
    throw invalidResponse(PROVIDER, espResponse, "not a JSON {id, message} object");
  }
  if (!body.message.startsWith("Queued")) {
    return fail(espResponse, `Unrecognized Mailgun API message '${body.message}'`);
  }
  return body.id;
}

function fail(espResponse: EspResponse, message: string): never {
  throw new AnymailAPIError(message, {
    provider: PROVIDER,
    statusCode: espResponse.status,
    response: espResponse,
    kind: "invalid_response",
    retryable: false,
  });
}
