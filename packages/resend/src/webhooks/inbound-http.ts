import { AnymailAPIError } from "@anymail/core";
import { createHttpClient, isSuccessStatus, toEspResponse } from "@anymail/http";
import { resendApiError } from "../internal/responses.js";
import type { ResolvedWebhookConfig } from "./options.js";

/** What one inbound email may still download: shared by its raw MIME and attachments. */
export interface DownloadBudget {
  remaining: number;
}

/** The follow-up requests an inbound webhook needs. */
export interface InboundHttp {
  /** GET `<apiUrl><path>` with the API key; resolves to the parsed JSON body. */
  getApiJson(path: string): Promise<unknown>;
  /** GET a signed download URL, never with the API key, within the budget. */
  download(
    url: string,
    what: string,
    budget: DownloadBudget,
  ): Promise<{ bytes: Uint8Array; contentType?: string }>;
  /** The byte budget of one inbound email. */
  newBudget(): DownloadBudget;
}

/** Origin and path only: the query of a signed download URL is a credential. */
function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function failure(
  message: string,
  options: ConstructorParameters<typeof AnymailAPIError>[1],
): AnymailAPIError {
  return new AnymailAPIError(message, { provider: "Resend", ...options });
}

/**
 * Builds the follow-up HTTP helper for one provider configuration, on the same kit client
 * (and the same error classifier) as sending: a failure rejects with an AnymailAPIError,
 * so the webhook answers 5xx and Resend delivers again later.
 */
export function createInboundHttp(
  config: ResolvedWebhookConfig & { apiKey: string },
  userAgent: string,
): InboundHttp {
  const http = createHttpClient({
    provider: "Resend",
    redaction: config.redaction,
    connectTimeoutMs: Math.min(config.fetchTimeoutMs, 10_000),
    ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
  });

  return {
    newBudget: () => ({ remaining: config.maxInboundBytes }),

    async getApiJson(path) {
      const url = new URL(path, config.apiUrl);
      // No redirects: the API key must never follow one to another host.
      const response = await http.request({
        method: "GET",
        url,
        headers: {
          authorization: `Bearer ${config.apiKey}`,
          accept: "application/json",
          "user-agent": userAgent,
        },
        timeoutMs: config.fetchTimeoutMs,
      });
      const espResponse = toEspResponse(response, config.redaction);
      if (!isSuccessStatus(response.status)) throw resendApiError(espResponse);
      const { body } = espResponse;
      if (typeof body !== "object" || body === null) {
        throw failure(`Resend API request GET ${url.pathname} did not answer with JSON`, {
          kind: "invalid_response",
          statusCode: response.status,
          response: espResponse,
          retryable: true,
        });
      }
      return body;
    },

    async download(rawUrl, what, budget) {
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        throw failure(`Resend gave an unusable download URL for ${what}`, {
          kind: "invalid_response",
        });
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw failure(`Resend gave a non-HTTP download URL for ${what}`, {
          kind: "invalid_response",
        });
      }
      let response: Awaited<ReturnType<typeof http.requestBytes>>;
      try {
        response = await http.requestBytes({
          method: "GET",
          url,
          headers: { "user-agent": userAgent },
          timeoutMs: config.fetchTimeoutMs,
          maxResponseBytes: budget.remaining,
          followRedirects: 5,
        });
      } catch (error) {
        if (error instanceof AnymailAPIError && error.kind === "invalid_response") {
          throw failure(
            `Resend download of ${what} (${describe(url)}) stopped: the inbound email is larger than maxInboundBytes (${config.maxInboundBytes} bytes)`,
            { kind: "invalid_response", retryable: false, cause: error },
          );
        }
        throw error;
      }
      if (!isSuccessStatus(response.status)) {
        throw failure(`Resend download of ${what} (${describe(url)}) answered ${response.status}`, {
          statusCode: response.status,
          // Expired links (403) are worth retrying too: the retry fetches a fresh URL.
          retryable: true,
        });
      }
      budget.remaining -= response.bytes.byteLength;
      const contentType = response.headers["content-type"];
      return { bytes: response.bytes, ...(contentType ? { contentType } : {}) };
    },
  };
}
