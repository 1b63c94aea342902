import {
  type PreparedMessage,
  type Provider,
  type RecipientStatus,
  type SendContext,
  type SendResult,
  splitByRecipients,
} from "@anymail/core";
import { createHttpClient, defineRedaction, isSuccessStatus, toEspResponse } from "@anymail/http";
import { type MailgunOptions, resolveMailgunConfig } from "./config.js";
import { mailgunFeatures, mailgunToPerCall } from "./features.js";
import { toFormData } from "./internal/form-entries.js";
import { apiErrorFor, parseSendResponse } from "./internal/responses.js";
import { senderDomainPathSegment } from "./internal/sender-domain.js";
import { planMailgunRequest } from "./message-converter.js";

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

// Mailgun key formats: legacy `key-<32 hex>`, current `<32 hex>-<8 hex>-<8 hex>`.
const KEY_PATTERNS = [/\bkey-[0-9a-f]{32}\b/gi, /\b[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}\b/gi];

/**
 * Creates a Mailgun provider for `createMailer`: `POST {apiUrl}/{domain}/messages` as
 * multipart/form-data with basic auth `api:<key>`. Options fall back to
 * `ANYMAIL_MAILGUN_*` / `MAILGUN_*` environment variables (API_KEY, SENDER_DOMAIN,
 * API_URL); a missing key throws `AnymailConfigurationError` right here. Mailgun has no
 * idempotency key, so only failures that provably happened before Mailgun accepted the
 * request are retried.
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
  const authorization = `Basic ${btoa(`api:${config.apiKey}`)}`;
  const redaction = defineRedaction({
    keys: ["authorization", "apiKey", "api_key"],
    patterns: KEY_PATTERNS,
    values: [config.apiKey, authorization],
  });
  const http = createHttpClient({
    provider: "Mailgun",
    redaction,
    // timeoutMs also bounds connecting; above undici's own 10 s connect limit nothing changes.
    connectTimeoutMs: Math.min(config.timeoutMs, 10_000),
    debugApiRequests: config.debugApiRequests,
    ...(config.dispatcher === undefined ? {} : { dispatcher: config.dispatcher }),
    ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
  });

  return {
    name: "Mailgun",
    apiUrl: config.apiUrl,
    ...(config.senderDomain === undefined ? {} : { senderDomain: config.senderDomain }),
    idempotent: false,
    redaction,
    features: mailgunFeatures({ checkDisplayNames: config.checkDisplayNames }),
    // A batch send over 1,000 recipients goes in several calls, run by core; a send that
    // can't be split this way is refused by the feature table first.
    split: (message) => {
      const perCall = mailgunToPerCall(message);
      return perCall === 0 ? [message] : splitByRecipients(message, perCall);
    },

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
      const espResponse = toEspResponse(
        await http.request({
          method: "POST",
          url,
          headers: { authorization, "user-agent": config.userAgent, accept: "application/json" },
          body: toFormData(request.entries),
          timeoutMs: config.timeoutMs,
          signal: context.signal,
          ...(context.logger === undefined ? {} : { logger: context.logger }),
        }),
        redaction,
      );
      context.logger?.({
        level: isSuccessStatus(espResponse.status) ? "debug" : "warn",
        message: `Mailgun POST ${url.pathname} → ${espResponse.status}`,
        provider: "Mailgun",
        status: espResponse.status,
        attempt: context.attempt,
        durationMs: Date.now() - started,
      });
      if (!isSuccessStatus(espResponse.status)) {
        throw apiErrorFor(espResponse, {
          senderDomain: request.senderDomain,
          apiUrl: config.apiUrl,
        });
      }
      const messageId = parseSendResponse(espResponse, url);
      // Mailgun answers one id for the whole send; rejections arrive later as events.
      const recipients: Record<string, RecipientStatus> = {};
      for (const list of [message.to, message.cc, message.bcc]) {
        for (const recipient of list) {
          recipients[recipient.addrSpec] ??= { status: "queued", messageId };
        }
      }
      return { messageId, status: new Set(["queued"]), recipients, espResponse };
    },

    close: () => http.close(),
  };
}
