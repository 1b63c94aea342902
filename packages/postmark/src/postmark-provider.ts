import type { PreparedMessage, Provider, SendContext, SendResult } from "@anymail/core";
import { type PostmarkOptions, resolvePostmarkConfig } from "./config.js";
import { postmarkFeatures } from "./features.js";
import { post } from "./internal/http.js";
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
  close(): Promise<void>;
}

/**
 * Creates a Postmark provider for `createMailer`. Options fall back to the
 * `ANYMAIL_POSTMARK_SERVER_TOKEN` / `POSTMARK_SERVER_TOKEN` and `ANYMAIL_POSTMARK_API_URL` /
 * `POSTMARK_API_URL` environment variables; a missing token throws
 * `AnymailConfigurationError` right here.
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
  const features = postmarkFeatures();

  return {
    name: "Postmark",
    apiUrl: config.apiUrl,
    idempotent: false,
    features,

    async send(message: PreparedMessage, context: SendContext): Promise<SendResult> {
      const plan = planPostmarkRequest(message);
      const url = new URL(plan.endpoint, config.apiUrl);
      const started = Date.now();
      const response = await post({
        url,
        headers: {
          "x-postmark-server-token": plan.serverToken ?? config.serverToken,
          "user-agent": config.userAgent,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: plan.body,
        timeoutMs: config.timeoutMs,
        signal: context.signal,
      });
      // Never the token: only the path, the status and timing.
      context.logger?.({
        level: response.status >= 200 && response.status < 300 ? "debug" : "warn",
        message: `Postmark POST ${url.pathname} → ${response.status}`,
        provider: "Postmark",
        status: response.status,
        attempt: context.attempt,
        durationMs: Date.now() - started,
      });
      return parsePostmarkResponse(response, message);
    },

    // fetch pools connections globally; nothing of ours to release.
    close: async () => {},
  };
}
