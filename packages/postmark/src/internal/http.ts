import { AnymailAPIError, type EspResponse } from "@anymail/core";

/** What one POST needs. */
export interface PostRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal: AbortSignal;
}

// Failures that happen before a connection exists: the request was never written, so
// Postmark cannot have accepted it and sending again is safe.
const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * POSTs and returns the response (any status). Postmark has no idempotency key, so a
 * failure after the request may have been written (reset, timeout) is not retryable:
 * Postmark may have accepted it. Only failures to connect are.
 */
export async function post(request: PostRequest): Promise<EspResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const where = `${request.url.origin}${request.url.pathname}`;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([request.signal, timeout]),
    });
  } catch (cause) {
    throw transportError(cause, where, timeout);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw transportError(cause, where, timeout);
  }
  let body: unknown = text;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text so an error shows what came back.
    }
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body };
}

function transportError(cause: unknown, where: string, timeout: AbortSignal): AnymailAPIError {
  const code = errorCode(cause);
  if (code !== undefined && CONNECT_ERRORS.has(code)) {
    return new AnymailAPIError(`Could not connect to Postmark at ${where} (${code})`, {
      provider: "Postmark",
      kind: "network",
      retryable: true,
      cause,
    });
  }
  const timedOut =
    timeout.aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
  return new AnymailAPIError(
    `${timedOut ? "Timed out waiting for" : "Lost the connection to"} Postmark at ${where}${code ? ` (${code})` : ""}; it may have accepted the message, so it is not retried`,
    { provider: "Postmark", kind: timedOut ? "timeout" : "network", retryable: false, cause },
  );
}
