import {
  AnymailSerializationError,
  type EspResponse,
  type PreparedMessage,
  type Provider,
  type RecipientStatus,
  type SendContext,
  type SendResult,
  splitByRecipients,
} from "@anymail/core";
import { createHttpClient, isSuccessStatus, toEspResponse } from "@anymail/http";
import { type ResendOptions, resolveResendConfig } from "./config.js";
import { parseBatchResponse, parseSingleResponse, resendApiError } from "./internal/responses.js";
import {
  RESEND_BATCH_SUPPORT,
  resendBatchBody,
  resendBatchOutcomes,
} from "./internal/send-batch.js";
import { planResendRequest } from "./message-converter.js";
import { RESEND_MAX_BATCH_SIZE, resendFeatures } from "./quirks.js";

/**
 * The Resend provider: a core {@link Provider} plus the resolved API URL.
 *
 * @example
 * ```ts
 * const provider: ResendProvider = resend();
 * provider.apiUrl; // "https://api.resend.com/"
 * ```
 */
export interface ResendProvider extends Provider {
  readonly name: "Resend";
  /** The API base URL in use, ending with `/`. */
  readonly apiUrl: string;
  /** Closes the connection pool; a later send opens a new one. */
  close(): Promise<void>;
}

// Printable ASCII, as Resend's key is echoed in a header; 256 is Resend's maximum length.
const IDEMPOTENCY_KEY = /^[\x21-\x7e][\x20-\x7e]{0,255}$/;

/**
 * Creates a Resend provider for `createMailer`. Options fall back to the
 * `ANYMAIL_RESEND_API_KEY` / `RESEND_API_KEY` and `ANYMAIL_RESEND_API_URL` /
 * `RESEND_API_URL` environment variables; a missing key throws
 * `AnymailConfigurationError` right here. The keep-alive pool is created on the first
 * send and released by `close()` (or `mailer.close()`).
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { resend } from "@anymail/resend";
 *
 * const mailer = createMailer({ provider: resend({ apiKey: process.env.RESEND_API_KEY }) });
 * await mailer.send({ from: "shop@example.com", to: "ana@example.org", subject: "Hi", text: "Hello" });
 * await mailer.close();
 * ```
 */
export function resend(options: ResendOptions = {}): ResendProvider {
  const config = resolveResendConfig(options);
  const http = createHttpClient({
    provider: "Resend",
    // Every send carries an Idempotency-Key: a request that arrives twice is sent once.
    idempotent: true,
    // timeoutMs also bounds connecting, as when it was one timer over the whole exchange;
    // above undici's own 10 s connect limit nothing changes.
    connectTimeoutMs: Math.min(config.timeoutMs, 10_000),
    redaction: config.redaction,
    debugApiRequests: config.debugApiRequests,
    ...(config.connections === undefined ? {} : { connections: config.connections }),
    ...(config.dispatcher === undefined ? {} : { dispatcher: config.dispatcher }),
    ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
  });
  const singleUrl = new URL("emails", config.apiUrl);
  const batchUrl = new URL("emails/batch", config.apiUrl);
  const baseHeaders: Readonly<Record<string, string>> = {
    authorization: `Bearer ${config.apiKey}`,
    "user-agent": config.userAgent,
    "content-type": "application/json",
    accept: "application/json",
  };

  function checkKey(idempotencyKey: string): void {
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new AnymailSerializationError(
        "Resend idempotency keys must be 1–256 printable ASCII characters",
        { provider: "Resend", field: "idempotencyKey" },
      );
    }
  }

  async function post(
    url: URL,
    body: string,
    idempotencyKey: string,
    context: SendContext,
  ): Promise<EspResponse> {
    const started = context.logger === undefined ? 0 : Date.now();
    const response = await http.request({
      method: "POST",
      url,
      headers: { ...baseHeaders, "idempotency-key": idempotencyKey },
      body,
      timeoutMs: config.timeoutMs,
      signal: context.signal,
      ...(context.logger === undefined ? {} : { logger: context.logger }),
    });
    const espResponse = toEspResponse(response, config.redaction);
    context.logger?.({
      level: isSuccessStatus(response.status) ? "debug" : "warn",
      message: `Resend POST ${url.pathname} → ${response.status}`,
      provider: "Resend",
      status: response.status,
      idempotencyKey,
      attempt: context.attempt,
      durationMs: Date.now() - started,
      ratelimitRemaining: response.headers["ratelimit-remaining"],
    });
    if (!isSuccessStatus(response.status)) throw resendApiError(espResponse);
    return espResponse;
  }

  return {
    name: "Resend",
    apiUrl: config.apiUrl,
    features: resendFeatures({ verifyAttachmentExtensions: config.verifyAttachmentExtensions }),
    // Resend de-duplicates by Idempotency-Key (24 h), so any failure may be retried.
    idempotent: true,
    redaction: config.redaction,

    // A batch send of more than 100 recipients goes in several calls, run by core.
    split: (message) => splitByRecipients(message, RESEND_MAX_BATCH_SIZE),

    async send(message: PreparedMessage, context: SendContext): Promise<SendResult> {
      checkKey(context.idempotencyKey);
      const request = planResendRequest(message);
      const recipients: Record<string, RecipientStatus> = {};

      if (!request.batch) {
        const espResponse = await post(singleUrl, request.body, context.idempotencyKey, context);
        const id = parseSingleResponse(espResponse);
        for (const list of [message.to, message.cc, message.bcc]) {
          for (const recipient of list)
            recipients[recipient.addrSpec] ??= { status: "queued", messageId: id };
        }
        return { messageId: id, status: new Set(["queued"]), recipients, espResponse };
      }

      // Resend answers 409 when a key is reused with another body: core gives each call its own.
      const espResponse = await post(batchUrl, request.body, context.idempotencyKey, context);
      const ids: (string | undefined)[] = parseBatchResponse(espResponse, request.to.length);
      request.to.forEach((recipient, i) => {
        recipients[recipient.addrSpec] ??= { status: "queued", messageId: ids[i] };
      });
      for (const recipient of [...message.cc, ...message.bcc]) {
        recipients[recipient.addrSpec] ??= { status: "queued" };
        ids.push(undefined);
      }
      const distinct = new Set(ids);
      const result: SendResult = { status: new Set(["queued"]), recipients, espResponse };
      const [only] = distinct;
      if (distinct.size === 1 && only !== undefined) result.messageId = only;
      return result;
    },

    // Independent messages share one POST /emails/batch (coalescing).
    batch: RESEND_BATCH_SUPPORT,
    async sendBatch(messages, context) {
      checkKey(context.idempotencyKey);
      const espResponse = await post(
        batchUrl,
        resendBatchBody(messages),
        context.idempotencyKey,
        context,
      );
      return resendBatchOutcomes(messages, espResponse);
    },

    close: () => http.close(),
  };
}
