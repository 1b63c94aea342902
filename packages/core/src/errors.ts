/**
 * Every error anymail throws. One base class, a stable string `code` per class,
 * `cause` kept, and a brand so errors from a duplicate copy of this package
 * (two versions in node_modules, another realm) are still recognised.
 */

import type { SendResult } from "./result.js";

const BRAND = Symbol.for("anymail.error");

/**
 * Stable, machine-readable error codes. Never renamed once published.
 *
 * @example
 * ```ts
 * if (isAnymailError(err)) {
 *   const code: AnymailErrorCode = err.code; // e.g. "api_error", "invalid_address"
 *   metrics.increment(`mail.error.${code}`);
 * }
 * ```
 */
export type AnymailErrorCode =
  | "anymail_error"
  | "api_error"
  | "unsupported_feature"
  | "invalid_address"
  | "serialization_error"
  | "recipients_refused"
  | "partial_send"
  | "send_cancelled"
  | "webhook_validation_failure"
  | "invalid_webhook_payload"
  | "configuration_error"
  | "improperly_installed";

/**
 * Options shared by every anymail error constructor.
 *
 * @example
 * ```ts
 * throw new AnymailError("Example API unreachable", { provider: "Example", cause: error });
 * ```
 */
export interface AnymailErrorOptions {
  /** Provider name, e.g. `"Resend"`, when the error concerns one provider. */
  provider?: string;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by anymail packages.
 *
 * @example
 * ```ts
 * try {
 *   await mailer.send(message);
 * } catch (error) {
 *   if (isAnymailError(error)) console.error(error.code, error.message);
 * }
 * ```
 */
export class AnymailError extends Error {
  /** Stable machine-readable code; switch on this rather than on the class or message. */
  readonly code: AnymailErrorCode = "anymail_error";
  /** Provider name when the error concerns one provider. */
  readonly provider?: string;

  constructor(message: string, options: AnymailErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.provider !== undefined) this.provider = options.provider;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True for any anymail error, even one created by another copy of `@anymail/core`.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "api_error") && err.retryable) scheduleLater();
 * ```
 */
export function isAnymailError(error: unknown): error is AnymailError;
export function isAnymailError<C extends AnymailErrorCode>(
  error: unknown,
  code: C,
): error is AnymailErrorByCode[C];
export function isAnymailError(error: unknown, code?: AnymailErrorCode): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (!(BRAND in error)) return false;
  return code === undefined || (error as unknown as AnymailError).code === code;
}

/**
 * The kind of failure behind an {@link AnymailAPIError}, which also says whether the
 * provider may have accepted the request:
 *
 * - `"connect"`: the connection never opened (refused, DNS, TLS, connect timeout), so no
 *   byte of the request was written: provably **not accepted**, safe to send again anywhere.
 * - `"network"`, `"timeout"`: the request was (or may have been) written and no complete
 *   answer came (reset, stalled response): **ambiguous**, the ESP may have accepted it.
 * - `"http"`: the ESP answered with an error status (not accepted, unless the provider's
 *   classifier says otherwise).
 * - `"invalid_response"`: the ESP answered 2xx (or an error) in a shape we can't read, or
 *   a response was larger than allowed.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "api_error") && err.kind === "timeout") log.warn("the provider timed out");
 * ```
 */
export type APIFailureKind = "http" | "connect" | "network" | "timeout" | "invalid_response";

/**
 * The raw HTTP exchange kept on results and API errors (secrets never included).
 *
 * @example
 * ```ts
 * const response: EspResponse | undefined = result.espResponse;
 * response?.status; // 200
 * response?.body; // the provider's parsed JSON, e.g. { id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" }
 * ```
 */
export interface EspResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON body when it was JSON, else the text. */
  body: unknown;
}

/**
 * Options of {@link AnymailAPIError}.
 *
 * @example
 * ```ts
 * throw new AnymailAPIError("Example API error 429", {
 *   provider: "Example",
 *   statusCode: 429,
 *   retryable: true,
 *   retryAfterMs: 2_000,
 * });
 * ```
 */
export interface AnymailAPIErrorOptions extends AnymailErrorOptions {
  statusCode?: number;
  response?: EspResponse;
  providerCode?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  kind?: APIFailureKind;
  /** Set by `failover()`: what happened at each provider it considered. */
  attempts?: readonly FailoverAttempt[];
}

/**
 * What `failover()` did with one of its providers during a send:
 *
 * - `"unsupported"`: skipped, its feature table can't carry the message (`reason` names the feature);
 * - `"circuit_open"`: skipped, its circuit breaker is open after consecutive failures;
 * - `"not_tried"`: skipped, the send is bound to another provider after an ambiguous failure;
 * - `"not_accepted"`: tried, and the failure proves the message was not accepted;
 * - `"ambiguous"`: tried, and the request was written but no answer came: it may have been accepted.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "api_error")) {
 *   for (const a of err.attempts ?? []) console.log(a.provider, a.outcome, a.reason);
 *   // "Resend" "not_accepted" "connection refused (connect)"
 * }
 * ```
 */
export interface FailoverAttempt {
  /** The provider's name, e.g. `"Resend"`. */
  readonly provider: string;
  readonly outcome: "unsupported" | "circuit_open" | "not_tried" | "not_accepted" | "ambiguous";
  /** One human line: why it was passed over, or how it failed. */
  readonly reason: string;
  /** The provider's error, for tried providers (and the feature error for `unsupported`). */
  readonly error?: AnymailError;
}

/**
 * The provider's API failed: a non-2xx status, an unusable response, a network failure or
 * a timeout.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "api_error") && err.providerCode === "daily_quota_exceeded") pause();
 * ```
 */
export class AnymailAPIError extends AnymailError {
  override readonly code = "api_error" as const;
  /** HTTP status, absent for network failures and timeouts. */
  readonly statusCode?: number;
  /** The provider's response, when there was one. */
  readonly response?: EspResponse;
  /** The provider's own error name, e.g. `rate_limit_exceeded`. */
  readonly providerCode?: string;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** How long the provider asked us to wait before retrying (from `retry-after`). */
  readonly retryAfterMs?: number;
  /** What failed: the HTTP exchange, connecting, the network, a timeout or the response format. */
  readonly kind: APIFailureKind;
  /**
   * Set by `failover()`: per provider, why it was passed over or how it failed, in the
   * order they were considered.
   */
  readonly attempts?: readonly FailoverAttempt[];
  /**
   * Whether the request may have reached the ESP: false only for `kind: "connect"` (never
   * written). A provider that isn't idempotent is never retried when this is true and the
   * ESP did not answer (`network`/`timeout`): it may have sent the message already.
   */
  get requestWritten(): boolean {
    return this.kind !== "connect";
  }

  constructor(message: string, options: AnymailAPIErrorOptions = {}) {
    super(message, options);
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.response !== undefined) this.response = options.response;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? false;
    this.kind = options.kind ?? "http";
    if (options.attempts !== undefined) this.attempts = options.attempts;
  }
}

/**
 * The provider cannot do what the message asks. Thrown before any HTTP call.
 *
 * @example
 * ```ts
 * // "Resend does not support trackOpens"
 * if (isAnymailError(err, "unsupported_feature")) console.log(err.feature);
 * ```
 */
export class AnymailUnsupportedFeature extends AnymailError {
  override readonly code = "unsupported_feature" as const;
  /** Which feature, e.g. `trackOpens` or `attachments with sendAt`. */
  readonly feature: string;

  constructor(provider: string, feature: string, options: { cause?: unknown } = {}) {
    super(`${provider} does not support ${feature}`, { ...options, provider });
    this.feature = feature;
  }
}

/**
 * An address could not be parsed, or contains CR/LF.
 *
 * @example
 * ```ts
 * // Invalid email address in `to`: "bob@" (missing domain)
 * if (isAnymailError(err, "invalid_address")) console.log(err.field, err.input);
 * ```
 */
export class AnymailInvalidAddress extends AnymailError {
  override readonly code = "invalid_address" as const;
  /** The message field holding the address, e.g. `to` or `mergeMetadata`. */
  readonly field?: string;
  /** The text that failed to parse. */
  readonly input?: string;

  constructor(
    message: string,
    options: AnymailErrorOptions & { field?: string; input?: string } = {},
  ) {
    super(message, options);
    if (options.field !== undefined) this.field = options.field;
    if (options.input !== undefined) this.input = options.input;
  }
}

/**
 * A value cannot be sent as given (a header that isn't a string, CR/LF in a subject,
 * JSON that cannot be serialized).
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "serialization_error")) console.log(err.field);
 * ```
 */
export class AnymailSerializationError extends AnymailError {
  override readonly code = "serialization_error" as const;
  /** The message field holding the bad value. */
  readonly field?: string;

  constructor(message: string, options: AnymailErrorOptions & { field?: string } = {}) {
    super(message, options);
    if (options.field !== undefined) this.field = options.field;
  }
}

/**
 * Every recipient was refused (invalid or rejected) by the provider.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "recipients_refused")) console.log(err.result?.recipients);
 * ```
 */
export class AnymailRecipientsRefused extends AnymailError {
  override readonly code = "recipients_refused" as const;
  /** The send result with each recipient's status. */
  readonly result?: unknown;

  constructor(
    message = "All message recipients were rejected or invalid",
    options: AnymailErrorOptions & { result?: unknown } = {},
  ) {
    super(message, options);
    if (options.result !== undefined) this.result = options.result;
  }
}

/**
 * A send that took several provider calls (a batch split by `Provider.split`) failed on a
 * later call after earlier ones were accepted. Nothing is dropped silently: `result` has a
 * status for every recipient (the accepted calls' statuses; `"failed"` where the provider
 * provably did not take the recipient, including calls never made; `"unknown"` where the
 * failed call may have been accepted: written, then no answer), and `cause` is the failed
 * call's error. Core never sends an accepted call again; send `failedRecipients` again
 * yourself if you want them, never `unknownRecipients` with a provider that isn't
 * idempotent.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "partial_send")) {
 *   console.log(err.result.recipients); // accepted ones "queued"/"sent", the rest "failed"/"unknown"
 *   await mailer.send({ ...message, to: err.failedRecipients, mergeData }); // only those never accepted
 * }
 * ```
 */
export class AnymailPartialSend extends AnymailError {
  override readonly code = "partial_send" as const;
  /** Every recipient's status: what was accepted, and what was not. */
  readonly result: SendResult;
  /** Recipients (addr-specs) the provider provably did not accept. */
  readonly failedRecipients: readonly string[];
  /** Recipients of a failed call that may have been accepted (written, then no answer). */
  readonly unknownRecipients: readonly string[];

  constructor(
    message: string,
    options: AnymailErrorOptions & {
      result: SendResult;
      failedRecipients: readonly string[];
      unknownRecipients: readonly string[];
    },
  ) {
    super(message, options);
    this.result = options.result;
    this.failedRecipients = options.failedRecipients;
    this.unknownRecipients = options.unknownRecipients;
  }
}

/**
 * Thrown by a `preSend` hook to skip a message; `send` then resolves to a result with no
 * recipients instead of throwing.
 *
 * @example
 * ```ts
 * createMailer({ provider, hooks: { preSend: (m) => { if (optedOut(m)) throw new AnymailCancelSend(); } } });
 * ```
 */
export class AnymailCancelSend extends AnymailError {
  override readonly code = "send_cancelled" as const;

  constructor(message = "Send cancelled by a preSend hook", options: AnymailErrorOptions = {}) {
    super(message, options);
  }
}

/**
 * A webhook request failed authentication: bad or missing signature, stale timestamp,
 * wrong basic auth. Answered with 401.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "webhook_validation_failure")) log.warn(err.message);
 * ```
 */
export class AnymailWebhookValidationFailure extends AnymailError {
  override readonly code = "webhook_validation_failure" as const;
}

/**
 * A webhook request was authentic (or unauthenticated by configuration) but its body is
 * not a payload the provider sends: not JSON, wrong shape. Answered with 400.
 *
 * @example
 * ```ts
 * if (isAnymailError(err, "invalid_webhook_payload")) log.warn(err.message);
 * ```
 */
export class AnymailInvalidWebhookPayload extends AnymailError {
  override readonly code = "invalid_webhook_payload" as const;
}

/**
 * A setup mistake, such as a missing API key. Thrown when the provider is built.
 *
 * @example
 * ```ts
 * // Resend API key missing: pass { apiKey }, or set ANYMAIL_RESEND_API_KEY or RESEND_API_KEY
 * ```
 */
export class AnymailConfigurationError extends AnymailError {
  override readonly code: "configuration_error" | "improperly_installed" = "configuration_error";
}

/**
 * An optional package needed for a feature is not installed.
 *
 * @example
 * ```ts
 * // ioredis isn't installed but createRedisReplayStore needs it: npm install ioredis
 * ```
 */
export class AnymailImproperlyInstalled extends AnymailConfigurationError {
  override readonly code = "improperly_installed" as const;
  /** The package to install. */
  readonly packageName: string;

  constructor(
    packageName: string,
    feature: string,
    options: AnymailErrorOptions & { install?: string } = {},
  ) {
    super(
      `The ${packageName} package isn't installed but is needed for ${feature}. Install it with: ${options.install ?? `npm install ${packageName}`}`,
      options,
    );
    this.packageName = packageName;
  }
}

/**
 * Maps each code to its error class, for {@link isAnymailError}'s narrowing.
 *
 * @example
 * ```ts
 * type APIError = AnymailErrorByCode["api_error"]; // AnymailAPIError
 * ```
 */
export interface AnymailErrorByCode {
  anymail_error: AnymailError;
  api_error: AnymailAPIError;
  unsupported_feature: AnymailUnsupportedFeature;
  invalid_address: AnymailInvalidAddress;
  serialization_error: AnymailSerializationError;
  recipients_refused: AnymailRecipientsRefused;
  partial_send: AnymailPartialSend;
  send_cancelled: AnymailCancelSend;
  webhook_validation_failure: AnymailWebhookValidationFailure;
  invalid_webhook_payload: AnymailInvalidWebhookPayload;
  configuration_error: AnymailConfigurationError;
  improperly_installed: AnymailImproperlyInstalled;
}
