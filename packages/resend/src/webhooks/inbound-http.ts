import { AnymailAPIError, type EspResponse } from "@anymail/core";
import type { ResolvedWebhookConfig } from "./options.js";

/** The follow-up requests an inbound webhook needs. */
export interface InboundHttp {
  /** GET `<apiUrl><path>` with the API key; resolves to the parsed JSON body. */
  getApiJson(path: string): Promise<unknown>;
  /** GET a signed download URL, never with the API key. */
  download(url: string, what: string): Promise<{ bytes: Uint8Array; contentType?: string }>;
}

/** Origin and path only: the query of a signed download URL is a credential. */
function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of headers) record[name] = value;
  return record;
}

function failure(
  message: string,
  options: ConstructorParameters<typeof AnymailAPIError>[1],
): AnymailAPIError {
  return new AnymailAPIError(message, { provider: "Resend", ...options });
}

/**
 * Performs one GET whose whole exchange (headers and body) is bounded by the timeout, and
 * turns every way it can fail into an AnymailAPIError, so the webhook answers 5xx and
 * Resend delivers again later.
 */
async function get(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  what: string,
): Promise<{ response: Response; bytes: Uint8Array }> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // redirect "error": the API key must never follow a redirect to another host.
    const response = await fetch(url, {
      method: "GET",
      headers,
      signal,
      redirect: "authorization" in headers ? "error" : "follow",
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { response, bytes };
  } catch (cause) {
    if (signal.aborted) {
      throw failure(`Resend ${what} (${describe(url)}) timed out after ${timeoutMs} ms`, {
        kind: "timeout",
        retryable: true,
        cause,
      });
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw failure(`Resend ${what} (${describe(url)}) failed: ${reason}`, {
      kind: "network",
      retryable: true,
      cause,
    });
  }
}

function parseBody(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Builds the follow-up HTTP helper for one provider configuration. */
export function createInboundHttp(
  config: ResolvedWebhookConfig & { apiKey: string },
  userAgent: string,
): InboundHttp {
  return {
    async getApiJson(path) {
      const url = new URL(path, config.apiUrl);
      const what = `API request GET /${path}`;
      const { response, bytes } = await get(
        url,
        {
          authorization: `Bearer ${config.apiKey}`,
          accept: "application/json",
          "user-agent": userAgent,
        },
        config.fetchTimeoutMs,
        what,
      );
      const body = parseBody(bytes);
      const espResponse: EspResponse = {
        status: response.status,
        headers: headerRecord(response.headers),
        body,
      };
      if (!response.ok) {
        const name = (body as { name?: unknown } | null)?.name;
        const detail = (body as { message?: unknown } | null)?.message;
        throw failure(
          `Resend ${what} answered ${response.status}${typeof detail === "string" ? `: ${detail}` : ""}`,
          {
            statusCode: response.status,
            response: espResponse,
            ...(typeof name === "string" ? { providerCode: name } : {}),
            retryable: response.status === 429 || response.status >= 500,
          },
        );
      }
      if (typeof body !== "object" || body === null) {
        throw failure(`Resend ${what} did not answer with JSON`, {
          kind: "invalid_response",
          statusCode: response.status,
          response: espResponse,
          retryable: true,
        });
      }
      return body;
    },

    async download(rawUrl, what) {
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch (cause) {
        throw failure(`Resend gave an unusable download URL for ${what}`, {
          kind: "invalid_response",
          cause,
        });
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw failure(`Resend gave a non-HTTP download URL for ${what}`, {
          kind: "invalid_response",
        });
      }
      const { response, bytes } = await get(
        url,
        { "user-agent": userAgent },
        config.fetchTimeoutMs,
        `download of ${what}`,
      );
      if (!response.ok) {
        throw failure(`Resend download of ${what} (${describe(url)}) answered ${response.status}`, {
          statusCode: response.status,
          // Expired links (403) are worth retrying too: the retry fetches a fresh URL.
          retryable: true,
        });
      }
      const contentType = response.headers.get("content-type");
      return { bytes, ...(contentType ? { contentType } : {}) };
    },
  };
}
