import type {
  EspResponse,
  PreparedMessage,
  Provider,
  RecipientStatus,
  SendContext,
  SendResult,
} from "@anymail/core";
import { type MailgunOptions, resolveMailgunConfig } from "./config.js";
import { mailgunFeatures } from "./features.js";
import { isFileEntry, type MailgunFormEntry, toFormData } from "./internal/form-entries.js";
import { createHttpClient } from "./internal/http.js";
import { apiErrorFromResponse, parseSendResponse, toEspResponse } from "./internal/responses.js";
import { senderDomainPathSegment } from "./internal/sender-domain.js";
import { planMailgunRequest } from "./message-converter.js";

// Above this many attachment bytes the body is streamed rather than buffered first.
const STREAM_FILES_OVER = 256 * 1024;

function fileBytes(entries: readonly MailgunFormEntry[]): number {
  let total = 0;
  for (const entry of entries) if (isFileEntry(entry)) total += entry.content.byteLength;
  return total;
}

/**
 * The Mailgun provider: a core {@link Provider} plus the resolved settings.
 *
 * @example
 * ```ts
 * const provider: MailgunProvider = mailgun({ apiKey: "key-123" });
 * provider.apiUrl; // "https://api.mailgun.net/v3/"
 * ```
 */
export interface MailgunProvider extends Provider {
  readonly name: "Mailgun";
  /** The API base URL in use, ending with `/`. */
  readonly apiUrl: string;
  /** The configured sender domain, if any (else each message's `from` domain). */
  readonly senderDomain?: string;
  /** Mailgun dedupes nothing: a send that may have been accepted is never retried. */
  readonly idempotent: false;
  /** Closes the connection pool; a later send opens a new one. */
  close(): Promise<void>;
}

/**
 * Creates a Mailgun provider for `createMailer`: `POST {apiUrl}/{domain}/messages` as
 * multipart/form-data with basic auth `api:<key>`. Options fall back to
 * `ANYMAIL_MAILGUN_*` / `MAILGUN_*` environment variables (API_KEY, SENDER_DOMAIN,
 * API_URL); a missing key throws `AnymailConfigurationError` right here. Mailgun has no
 * idempotency key, so only failures that provably happened before Mailgun saw the request
 * are retryable.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { mailgun, MAILGUN_EU_API_URL } from "@anymail/mailgun";
 *
 * const mailer = createMailer({
 *   provider: mailgun({ apiKey: process.env.MAILGUN_API_KEY, apiUrl: MAILGUN_EU_API_URL }),
 * });
 * await mailer.send({ from: "shop@mg.example.com", to: "ana@example.org", subject: "Hi", text: "Hello" });
 * await mailer.close();
 * ```
 */
export function mailgun(options: MailgunOptions = {}): MailgunProvider {
  const config = resolveMailgunConfig(options);
  const http = createHttpClient({
    connectTimeoutMs: Math.min(config.timeoutMs, 10_000),
    ...(config.dispatcher === undefined ? {} : { dispatcher: config.dispatcher }),
  });
  const authorization = `Basic ${btoa(`api:${config.apiKey}`)}`;

  return {
    name: "Mailgun",
    apiUrl: config.apiUrl,
    ...(config.senderDomain === undefined ? {} : { senderDomain: config.senderDomain }),
    idempotent: false,
    features: mailgunFeatures({ checkDisplayNames: config.checkDisplayNames }),

    async send(message: PreparedMessage, context: SendContext): Promise<SendResult> {
      const request = planMailgunRequest(
        message,
        config.senderDomain === undefined ? {} : { senderDomain: config.senderDomain },
      );
      const url = new URL(
        `${senderDomainPathSegment(request.senderDomain)}/messages`,
        config.apiUrl,
      );
      const started = Date.now();
      const response = await http.post({
        url,
        headers: {
          authorization,
          "user-agent": config.userAgent,
          accept: "application/json",
        },
        body: toFormData(request.entries),
        stream: fileBytes(request.entries) > STREAM_FILES_OVER,
        timeoutMs: config.timeoutMs,
        signal: context.signal,
      });
      const espResponse: EspResponse = toEspResponse(response, config.apiKey);
      context.logger?.({
        level: response.status >= 200 && response.status < 300 ? "debug" : "warn",
        message: `Mailgun POST ${url.pathname} → ${response.status}`,
        provider: "Mailgun",
        status: response.status,
        attempt: context.attempt,
        durationMs: Date.now() - started,
      });
      if (response.status < 200 || response.status > 299) {
        throw apiErrorFromResponse(espResponse, {
          senderDomain: request.senderDomain,
          apiUrl: config.apiUrl,
        });
      }
      const messageId = parseSendResponse(espResponse, url);
      // Mailgun answers one id for the whole send; rejections arrive later as events.
      const recipients: Record<string, RecipientStatus> = {};
      for (const list of [message.to, message.cc, message.bcc]) {
        for (const recipient of list)
          recipients[recipient.addrSpec] ??= { status: "queued", messageId };
      }
      return { messageId, status: new Set(["queued"]), recipients, espResponse };
    },

    close: () => http.close(),
  };
}
