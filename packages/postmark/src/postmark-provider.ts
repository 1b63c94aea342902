import {
  type PreparedMessage,
  type Provider,
  type SecretRedaction,
  type SendContext,
  type SendResult,
  splitByRecipients,
} from "@anymail/core";
import { createHttpClient, isSuccessStatus, toEspResponse } from "@anymail/http";
import { type PostmarkOptions, resolvePostmarkConfig } from "./config.js";
import { POSTMARK_MAX_BATCH_SIZE, postmarkFeatures } from "./features.js";
import { planPostmarkRequest } from "./message-converter.js";
import { parsePostmarkResponse } from "./response-classifier.js";

/**
 * The Postmark provider: a core {@link Provider} plus the resolved API URL.
 *
 * @example
 * ```ts
 * const provider: PostmarkProvider = postmark();
 * provider.apiUrl; // "https://api.postmarkapp.com/"
 * ```
 */
export interface PostmarkProvider extends Provider {
  readonly name: "Postmark";
  /** The API base URL in use, ending with `/`. */
  readonly apiUrl: string;
  /**
   * Postmark has no idempotency key: a request that may have reached Postmark is never
   * sent again, so only failures that prove nothing was accepted are retried.
   */
  readonly idempotent: false;
  readonly redaction: SecretRedaction;
  /** Closes the connection pool; a later send opens a new one. */
  close(): Promise<void>;
}

/**
 * Creates a Postmark provider for `createMailer`. Options fall back to the
 * `ANYMAIL_POSTMARK_SERVER_TOKEN` / `POSTMARK_SERVER_TOKEN` and `ANYMAIL_POSTMARK_API_URL` /
 * `POSTMARK_API_URL` environment variables; a missing token throws
 * `AnymailConfigurationError` right here. The keep-alive pool is created on the first send
 * and released by `close()` (or `mailer.close()`).
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { postmark } from "@anymail/postmark";
 *
 * const mailer = createMailer({ provider: postmark({ serverToken: process.env.POSTMARK_SERVER_TOKEN }) });
 * await mailer.send({ from: "shop@example.com", to: "ana@example.org", templateId: "welcome", mergeGlobalData: { name: "Ana" } });
 * ```
 */
export function postmark(options: PostmarkOptions = {}): PostmarkProvider {
  const config = resolvePostmarkConfig(options);
  const http = createHttpClient({
    provider: "Postmark",
    connectTimeoutMs: Math.min(config.timeoutMs, 10_000),
    redaction: config.redaction,
    debugApiRequests: config.debugApiRequests,
    ...(config.connections === undefined ? {} : { connections: config.connections }),
    ...(config.dispatcher === undefined ? {} : { dispatcher: config.dispatcher }),
    ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
  });
  const baseHeaders: Readonly<Record<string, string>> = {
    "user-agent": config.userAgent,
    "content-type": "application/json",
    accept: "application/json",
  };

  return {
    name: "Postmark",
    apiUrl: config.apiUrl,
    idempotent: false,
    redaction: config.redaction,
    features: postmarkFeatures(),
    // A batch send of more than 500 recipients goes in several calls, run by core.
    split: (message) => splitByRecipients(message, POSTMARK_MAX_BATCH_SIZE),

    async send(message: PreparedMessage, context: SendContext): Promise<SendResult> {
      const plan = planPostmarkRequest(message);
      const url = new URL(plan.endpoint, config.apiUrl);
      const started = context.logger === undefined ? 0 : Date.now();
      const response = await http.request({
        method: "POST",
        url,
        headers: {
          ...baseHeaders,
          "x-postmark-server-token": plan.serverToken ?? config.serverToken,
        },
        body: plan.body,
        timeoutMs: config.timeoutMs,
        signal: context.signal,
        ...(context.logger === undefined ? {} : { logger: context.logger }),
      });
      // The token is only ever in the request headers, which no record or error carries.
      context.logger?.({
        level: isSuccessStatus(response.status) ? "debug" : "warn",
        message: `Postmark POST ${url.pathname} → ${response.status}`,
        provider: "Postmark",
        status: response.status,
        attempt: context.attempt,
        durationMs: Date.now() - started,
      });
      return parsePostmarkResponse(toEspResponse(response, config.redaction), message);
    },

    close: () => http.close(),
  };
}
