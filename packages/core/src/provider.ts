import type { AnymailError } from "./errors.js";
import type { PreparedMessage } from "./prepared.js";
import type { SecretRedaction } from "./redact.js";
import type { SendResult } from "./result.js";

/**
 * Message fields a provider may declare unsupported outright.
 *
 * @example
 * ```ts
 * const unsupported: StandardFeature[] = ["trackOpens", "templateId"];
 * ```
 */
export type StandardFeature =
  | "envelopeSender"
  | "trackClicks"
  | "trackOpens"
  | "templateId"
  | "mergeData"
  | "mergeGlobalData"
  | "mergeMetadata"
  | "mergeHeaders"
  | "metadata"
  | "tags"
  | "sendAt"
  | "attachments"
  | "replyTo"
  | "headers"
  | "cc"
  | "bcc";

/**
 * A message-dependent limitation: `when` returns true when the message hits it.
 *
 * @example
 * ```ts
 * const noBatchAttachments: FeatureQuirk = {
 *   feature: "attachments in a batch send",
 *   when: (m) => m.isBatch && m.attachments.length > 0,
 * };
 * ```
 */
export interface FeatureQuirk {
  /** Names the feature in the error: "<Provider> does not support <feature>". */
  feature: string;
  /** One line for docs tables. */
  description?: string;
  when(message: PreparedMessage): boolean;
  /** Returns the feature text for this message (e.g. naming the attachment), else `feature`. */
  describe?(message: PreparedMessage): string;
}

/**
 * The declarative support table of a provider: standard fields it lacks, plus quirks.
 * Core checks it before any HTTP call.
 *
 * @example
 * ```ts
 * const features: FeatureSupport = { unsupported: ["trackOpens"], quirks: [] };
 * ```
 */
export interface FeatureSupport {
  readonly unsupported: readonly StandardFeature[];
  readonly quirks: readonly FeatureQuirk[];
  /** Why each unsupported field is unsupported, one line for docs tables and UIs. */
  readonly reasons?: Readonly<Partial<Record<StandardFeature, string>>>;
}

/**
 * A log record; secrets are already redacted.
 *
 * @example
 * ```ts
 * const logger = (record: LogRecord) => {
 *   if (record.level !== "debug") console.log(record.provider, record.message); // "Resend send succeeded"
 * };
 * createMailer({ provider, logger });
 * ```
 */
export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  provider?: string;
  [key: string]: unknown;
}

/**
 * Receives request/response records. Secrets are redacted before a record is built.
 *
 * @example
 * ```ts
 * createMailer({ provider, logger: (r) => console.debug(r.message, r) });
 * ```
 */
export type Logger = (record: LogRecord) => void;

/**
 * Per-attempt context core passes to `Provider.send`.
 *
 * @example
 * ```ts
 * await request(url, { signal: context.signal, headers: { "Idempotency-Key": context.idempotencyKey } });
 * ```
 */
export interface SendContext {
  /** Same for every attempt of one send. */
  readonly idempotencyKey: string;
  /** Aborts when the send's total deadline passes. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds when the whole send must be finished. */
  readonly deadline: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /**
   * The mailer's `ignoreUnsupportedFeatures`, for composite providers (`failover()`) that
   * check their members' feature tables themselves.
   */
  readonly ignoreUnsupportedFeatures?: boolean;
  readonly logger?: Logger;
}

/**
 * An email service provider. Implementations only map and send; validation, defaults,
 * unsupported-feature checks, retries and idempotency keys are done by core.
 *
 * @example
 * ```ts
 * const provider: Provider = {
 *   name: "Example",
 *   features: { unsupported: ["templateId"], quirks: [] },
 *   async send(message, context) { return { status: new Set(["sent"]), recipients: {} }; },
 * };
 * ```
 */
export interface Provider {
  /** Human name used in errors: "Resend". */
  readonly name: string;
  readonly features: FeatureSupport;
  /**
   * Whether the ESP de-duplicates a retried request by its idempotency key (Resend: yes;
   * Postmark, Mailgun: no). Default false: core then never retries a failure that happened
   * after the request was written (`AnymailAPIError.kind` `"network"` or `"timeout"`), since
   * the ESP may have accepted it and a retry could send twice.
   */
  readonly idempotent?: boolean;
  /**
   * The provider's secrets for redaction (header and option names, key formats, the
   * configured credentials): core masks them in every log record and error it reports.
   */
  readonly redaction?: SecretRedaction;
  /** Send one prepared message; throw AnymailAPIError (with `retryable`) on failure. */
  send(message: PreparedMessage, context: SendContext): Promise<SendResult>;
  /**
   * Splits a send that is too large for one ESP call (a batch with more `to` recipients than
   * one call carries) into parts, each sent by one `send` call; return `[message]` when it
   * fits. Core sends the parts in order, each with its own idempotency key (`<key>/1`,
   * `<key>/2`, …), keeps what was accepted, retries only a failed part and only when that
   * is safe, and otherwise throws `AnymailPartialSend`. `splitByRecipients` does the usual
   * split. Absent: every send is one call.
   */
  split?(message: PreparedMessage): readonly PreparedMessage[];
  /**
   * Declares that {@link Provider.sendBatch} exists, how many messages one call takes and
   * which messages it can carry. Absent: every message is sent alone.
   */
  readonly batch?: BatchSupport;
  /**
   * Sends independent messages in one call (Resend's `/emails/batch`). Resolves with one
   * outcome per message, in order; throws (an AnymailAPIError) when the whole call failed.
   * Never given more than `batch.maxMessages` messages, nor one `batch.accepts` refuses,
   * nor one whose `isBatch` is true.
   */
  sendBatch?(
    messages: readonly PreparedMessage[],
    context: SendContext,
  ): Promise<BatchItemOutcome[]>;
  /** Release pooled connections. */
  close?(): Promise<void>;
}

/**
 * What a provider's batch endpoint can carry.
 *
 * @example
 * ```ts
 * const batch: BatchSupport = {
 *   maxMessages: 100,
 *   accepts: (m) => m.attachments.length === 0 && m.sendAt === undefined,
 * };
 * ```
 */
export interface BatchSupport {
  /** Most messages in one call. */
  readonly maxMessages: number;
  /** False for a message the batch endpoint can't carry; it is then sent alone. */
  accepts?(message: PreparedMessage): boolean;
}

/**
 * One message's outcome inside a batch call.
 *
 * @example
 * ```ts
 * const outcomes: BatchItemOutcome[] = await provider.sendBatch!(messages, context);
 * for (const o of outcomes) if (!o.ok) console.error(o.error.code);
 * ```
 */
export type BatchItemOutcome =
  | { ok: true; result: SendResult }
  | { ok: false; error: AnymailError };
