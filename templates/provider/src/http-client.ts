import { AnymailAPIError, type EspResponse, isRetryableStatus } from "@anymail/core";
import type { __Name__Config } from "./config.js";

/** POSTs JSON and classifies every failure as an AnymailAPIError core knows how to retry. */
export async function postJson(
  config: __Name__Config,
  path: string,
  body: unknown,
  options: { idempotencyKey: string; signal: AbortSignal },
): Promise<EspResponse> {
  const url = new URL(path, config.apiUrl);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${config.apiKey}`,
        "content-type": "application/json",
        "idempotency-key": options.idempotencyKey,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(config.timeoutMs)]),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    throw new AnymailAPIError(`Error posting to ${url.origin}${url.pathname}`, {
      provider: "__Name__",
      kind: timedOut ? "timeout" : "network",
      retryable: true,
      cause,
    });
  }

  const text = await response.text();
  const headers = Object.fromEntries(response.headers);
  let parsed: unknown = text;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {
    // Not JSON: keep the text so the error shows what the API said.
  }
  const espResponse: EspResponse = { status: response.status, headers, body: parsed };
  if (!response.ok) {
    const retryAfter = Number(headers["retry-after"]);
    throw new AnymailAPIError(`__Name__ API responded ${response.status}`, {
      provider: "__Name__",
      statusCode: response.status,
      response: espResponse,
      retryable: isRetryableStatus(response.status),
      ...(Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
      ...(errorName(parsed) ? { providerCode: errorName(parsed) } : {}),
    });
  }
  return espResponse;
}

function errorName(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const name = (body as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}
