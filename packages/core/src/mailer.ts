import { combineDefaults } from "./defaults.js";
import { HEADER_UNSAFE_CHARACTER } from "./internal/text.js";
import {
  AnymailAPIError,
  AnymailConfigurationError,
  AnymailError,
  AnymailRecipientsRefused,
  AnymailSerializationError,
  isAnymailError,
} from "./errors.js";
import { checkFeatures } from "./features.js";
import { createCoalescer } from "./internal/batch/coalescer.js";
import { type BatchSender, canBatch, sendPreparedBatch } from "./internal/batch/send-batch.js";
import { isUnanswered, notRetryableIfAmbiguous } from "./internal/send/ambiguous.js";
import { sendParts } from "./internal/send/send-parts.js";
import type { EmailMessage } from "./message.js";
import { prepareMessage } from "./prepare.js";
import type { PreparedMessage } from "./prepared.js";
import type { Logger, LogRecord, Provider, SendContext } from "./provider.js";
import { redactSecrets } from "./redact.js";
import type { SendResult } from "./result.js";
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  type RetryWait,
  resolveRetryOptions,
  withRetries,
} from "./retry.js";

/**
 * What a `preSend` hook is told besides the message.
 *
 * @example
 * ```ts
 * const preSend = (message: EmailMessage, { provider }: PreSendContext) => {
 *   message.tags = [...(message.tags ?? []), `via-${provider.toLowerCase()}`];
 * };
 * ```
 */
export interface PreSendContext {
  /** The provider's name, e.g. `"Resend"`. */
  readonly provider: string;
}

/**
 * What a `preSend` hook returns: a replacement message, or nothing after editing in place.
 *
 * @example
 * ```ts
 * const preSend = (message: EmailMessage): PreSendResult => ({
 *   ...message,
 *   subject: `[staging] ${message.subject ?? ""}`,
 * });
 * ```
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only edits in place returns nothing
export type PreSendResult = EmailMessage | undefined | void;

/**
 * Hooks around every send, like anymail's `pre_send` / `post_send` signals.
 *
 * @example
 * ```ts
 * const hooks: MailerHooks = {
 *   preSend: (m) => ({ ...m, subject: `[staging] ${m.subject}` }),
 *   postSend: (result) => metrics.count("sent", result.status.size),
 * };
 * ```
 */
export interface MailerHooks {
  /**
   * Runs after defaults are combined. Return a new message or edit this one in place;
   * throw AnymailCancelSend to skip the send (it then resolves with no recipients).
   */
  preSend?(message: EmailMessage, context: PreSendContext): PreSendResult | Promise<PreSendResult>;
  /** Runs after a successful provider call. Every hook runs; the first error is rethrown. */
  postSend?(result: SendResult, message: EmailMessage): void | Promise<void>;
}

/**
 * Options of {@link createMailer}.
 *
 * @example
 * ```ts
 * const options: MailerOptions = { provider, defaults: { from: "shop@example.com" }, retry: false };
 * ```
 */
export interface MailerOptions {
  provider: Provider;
  /** Combined with every message like anymail's SEND_DEFAULTS. */
  defaults?: EmailMessage;
  /** Send best-effort instead of throwing AnymailUnsupportedFeature. */
  ignoreUnsupportedFeatures?: boolean;
  /** Retry policy, or `false` for a single attempt. */
  retry?: RetryOptions | false;
  hooks?: MailerHooks | readonly MailerHooks[];
  /** Sees one record per attempt, secrets redacted. */
  logger?: Logger;
  /**
   * Shares one provider call among concurrent sends (Resend's `/emails/batch`): sends made
   * within `windowMs` of each other, up to `max`, go in one call and each still settles with
   * its own result or typed error. Only for providers with `sendBatch`; a message the batch
   * can't carry, a batch send (merge fields) and a message with its own `idempotencyKey`
   * (which must keep protecting a later resend) go alone.
   */
  coalesce?: CoalesceOptions;
}

/**
 * Options of {@link MailerOptions.coalesce}.
 *
 * @example
 * ```ts
 * createMailer({ provider: resend(), coalesce: { max: 100, windowMs: 5 } });
 * ```
 */
export interface CoalesceOptions {
  /** Most messages in one call; capped at the provider's batch size. Default: that size. */
  max?: number;
  /** How long a send waits for others to share its call. Default 5. */
  windowMs?: number;
  /**
   * Most shared calls in flight at once; further groups wait their turn, so thousands of
   * concurrent sends meet an ESP's per-second limit as a steady stream (a 429 holds the
   * line for its `retry-after` instead of failing every waiting group). Default 1.
   */
  concurrency?: number;
}

/**
 * Options of one {@link Mailer.send}.
 *
 * @example
 * ```ts
 * // One attempt: the caller (a queue) schedules retries itself.
 * await mailer.send(message, { retry: false });
 * ```
 */
export interface SendOptions {
  /** Replaces the mailer's retry policy for this send. */
  retry?: RetryOptions | false;
}

/**
 * Options of {@link Mailer.sendBatch}.
 *
 * @example
 * ```ts
 * await mailer.sendBatch(messages, { idempotencyKey: "digest-2026-12-01", retry: false });
 * ```
 */
export interface SendBatchOptions {
  /**
   * Key of the whole list; each provider call derives its own from it. The same list sent
   * again with the same key repeats the same calls. Default: a new random key.
   */
  idempotencyKey?: string;
  /** Replaces the mailer's retry policy for these calls. */
  retry?: RetryOptions | false;
}

/**
 * Options of {@link Mailer.sendMany}.
 *
 * @example
 * ```ts
 * const outcomes = await mailer.sendMany(messages, { concurrency: 4 });
 * ```
 */
export interface SendManyOptions {
  /** How many sends run at once. Default 8. */
  concurrency?: number;
}

/**
 * One message's outcome in {@link Mailer.sendMany}.
 *
 * @example
 * ```ts
 * const outcomes: SendManyOutcome[] = await mailer.sendMany(messages);
 * for (const outcome of outcomes) {
 *   if (!outcome.ok) console.error(outcome.message.to, outcome.error.code);
 * }
 * ```
 */
export type SendManyOutcome =
  | { ok: true; message: EmailMessage; result: SendResult }
  | { ok: false; message: EmailMessage; error: AnymailError };

/**
 * Sends messages through one provider.
 *
 * @example
 * ```ts
 * const result = await mailer.send({ to: "ana@example.org", subject: "Hi", text: "Hello" });
 * ```
 */
export interface Mailer {
  /** The provider this mailer sends through. */
  readonly provider: Provider;
  /** Sends one message. Resolves to its result or throws an AnymailError subclass. */
  send(message: EmailMessage, options?: SendOptions): Promise<SendResult>;
  /**
   * Sends independent messages in as few provider calls as the provider's batch endpoint
   * allows (each alone when it has none); one outcome per message, in input order. A
   * message's own `idempotencyKey` is not used: the calls' keys derive from `options`.
   */
  sendBatch(
    messages: readonly EmailMessage[],
    options?: SendBatchOptions,
  ): Promise<SendManyOutcome[]>;
  /**
   * What `send` would hand the provider, without sending: defaults combined, the message
   * validated and the provider's feature table checked (preSend hooks are not run). Throws
   * the same typed errors `send` would.
   */
  prepare(message: EmailMessage): PreparedMessage;
  /** Sends many, at most `concurrency` at once; one outcome per message, in input order. */
  sendMany(
    messages: readonly EmailMessage[],
    options?: SendManyOptions,
  ): Promise<SendManyOutcome[]>;
  /** Releases the provider's connections. Safe to call more than once. */
  close(): Promise<void>;
}

const REFUSED_STATUSES = new Set(["invalid", "rejected"]);

/**
 * Creates a mailer: defaults, hooks, validation, unsupported-feature checks, retries with
 * one idempotency key per send, and logging, around one provider.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { createTestProvider } from "@anymail/core/testing";
 *
 * const mailer = createMailer({
 *   provider: createTestProvider(),
 *   defaults: { from: "Shop <shop@example.com>", tags: ["shop"] },
 * });
 * const result = await mailer.send({ to: "ana@example.org", subject: "Hi", text: "Hello" });
 * ```
 */
export function createMailer(options: MailerOptions): Mailer {
  const { provider, logger } = options;
  if (typeof provider?.send !== "function" || typeof provider.name !== "string") {
    throw new AnymailConfigurationError("createMailer needs a provider with a name and a send()");
  }
  const retry = resolveRetryOptions(options.retry);
  const ignoreUnsupportedFeatures = options.ignoreUnsupportedFeatures === true;
  // An ESP that doesn't de-duplicate by key may already have accepted a request whose
  // answer was lost: retrying it could send twice, so only provable non-acceptance retries.
  const retryPolicy =
    provider.idempotent === true ? undefined : (error: AnymailAPIError) => !isUnanswered(error);
  const hooks = options.hooks === undefined ? [] : ([] as MailerHooks[]).concat(options.hooks);
  let closing: Promise<void> | undefined;

  const log = (record: LogRecord) => {
    if (!logger) return;
    try {
      logger(
        redactSecrets({ ...record, provider: provider.name } as LogRecord, provider.redaction),
      );
    } catch {
      // A broken logger must never break a send.
    }
  };

  function check(message: EmailMessage): PreparedMessage {
    return checkFeatures(provider, prepareMessage(message), { ignoreUnsupportedFeatures });
  }

  async function beforeSend(
    input: EmailMessage,
  ): Promise<{ message: EmailMessage; prepared: PreparedMessage }> {
    if (closing)
      throw new AnymailConfigurationError("This mailer has been closed", {
        provider: provider.name,
      });
    let message = combineDefaults(options.defaults, input);
    for (const hook of hooks) {
      if (!hook.preSend) continue;
      const replaced = await hook.preSend(message, { provider: provider.name });
      if (replaced !== undefined) message = replaced;
    }
    return { message, prepared: check(message) };
  }

  async function afterSend(result: SendResult, message: EmailMessage): Promise<SendResult> {
    // Central, so every provider's results name who accepted the message; a composite
    // provider (failover) has already named the member that did.
    result.provider ??= provider.name;

    let hookError: unknown;
    for (const hook of hooks) {
      try {
        await hook.postSend?.(result, message);
      } catch (error) {
        hookError ??= error;
      }
    }
    if (hookError !== undefined) throw hookError;

    const statuses = Object.values(result.recipients);
    if (statuses.length > 0 && statuses.every((r) => REFUSED_STATUSES.has(r.status))) {
      throw new AnymailRecipientsRefused(undefined, { provider: provider.name, result });
    }
    return result;
  }

  const batchSender = (policy: ResolvedRetryOptions): BatchSender => ({
    provider,
    retry: policy,
    ...(retryPolicy ? { retryPolicy } : {}),
    ignoreUnsupportedFeatures,
    ...(logger ? { logger: (record: LogRecord) => log(record) } : {}),
    sendAlone: (prepared, key) => deliver(prepared, key, policy),
  });

  const coalescer =
    options.coalesce === undefined || provider.sendBatch === undefined || !provider.batch
      ? undefined
      : createCoalescer({
          max: resolveCoalesceMax(options.coalesce.max, provider.batch.maxMessages),
          windowMs: options.coalesce.windowMs ?? 5,
          concurrency: resolveCoalesceConcurrency(options.coalesce.concurrency),
          flush: (messages) =>
            sendPreparedBatch(batchSender(retry), messages, globalThis.crypto.randomUUID()),
        });

  async function sendOnce(input: EmailMessage, sendOptions?: SendOptions): Promise<SendResult> {
    const { message, prepared } = await beforeSend(input);
    const idempotencyKey = resolveIdempotencyKey(message.idempotencyKey);
    const policy =
      sendOptions?.retry === undefined ? retry : resolveRetryOptions(sendOptions.retry);
    const result =
      coalescer !== undefined &&
      message.idempotencyKey === undefined &&
      sendOptions?.retry === undefined &&
      canBatch(provider, prepared)
        ? await coalescer.send(prepared)
        : await deliver(prepared, idempotencyKey, policy);
    return afterSend(result, message);
  }

  function deliver(
    prepared: PreparedMessage,
    idempotencyKey: string,
    policy: ResolvedRetryOptions,
  ): Promise<SendResult> {
    const parts = provider.split?.(prepared);
    if (parts === undefined || parts.length <= 1) {
      return deliverCall(parts?.[0] ?? prepared, idempotencyKey, policy);
    }
    // One deadline for the whole send; each part gets its own attempts within it.
    const deadline = policy.now() + policy.deadlineMs;
    return sendParts(
      provider.name,
      parts,
      idempotencyKey,
      (part, key) =>
        deliverCall(part, key, { ...policy, deadlineMs: Math.max(0, deadline - policy.now()) }),
      () => policy.now() >= deadline,
    );
  }

  function deliverCall(
    prepared: PreparedMessage,
    idempotencyKey: string,
    policy: ResolvedRetryOptions,
  ): Promise<SendResult> {
    const sent = attempts(prepared, idempotencyKey, policy);
    if (retryPolicy === undefined) return sent;
    return sent.catch((error: unknown) => {
      throw notRetryableIfAmbiguous(error, provider.name);
    });
  }

  function attempts(
    prepared: PreparedMessage,
    idempotencyKey: string,
    policy: ResolvedRetryOptions,
  ): Promise<SendResult> {
    // Without a logger no record is built at all: sends that nobody logs pay nothing.
    return withRetries(
      policy,
      async ({ attempt, signal, deadline }) => {
        if (!logger) {
          return provider.send(prepared, {
            idempotencyKey,
            signal,
            deadline,
            attempt,
            ignoreUnsupportedFeatures,
          });
        }
        const context: SendContext = {
          idempotencyKey,
          signal,
          deadline,
          attempt,
          ignoreUnsupportedFeatures,
          logger: (record) => log(record),
        };
        log({
          level: "debug",
          message: "send attempt",
          attempt,
          idempotencyKey,
          isBatch: prepared.isBatch,
        });
        try {
          const outcome = await provider.send(prepared, context);
          log({
            level: "info",
            message: "send succeeded",
            attempt,
            idempotencyKey,
            status: [...outcome.status],
            response: outcome.espResponse,
          });
          return outcome;
        } catch (error) {
          const typed = toAnymailError(error, provider.name);
          log({
            level: "warn",
            message: "send attempt failed",
            attempt,
            idempotencyKey,
            error: describeError(typed),
          });
          throw typed;
        }
      },
      logger
        ? ({ attempt, delayMs, error }: RetryWait) =>
            log({
              level: "info",
              message: "retry wait",
              attempt,
              idempotencyKey,
              delayMs,
              error: describeError(error),
            })
        : undefined,
      retryPolicy,
    );
  }

  async function send(message: EmailMessage, sendOptions?: SendOptions): Promise<SendResult> {
    try {
      return await sendOnce(message, sendOptions);
    } catch (error) {
      if (isAnymailError(error, "send_cancelled")) return { status: new Set(), recipients: {} };
      throw toAnymailError(error, provider.name);
    }
  }

  async function sendMany(
    messages: readonly EmailMessage[],
    manyOptions: SendManyOptions = {},
  ): Promise<SendManyOutcome[]> {
    const concurrency = manyOptions.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new AnymailError(
        `sendMany concurrency must be a whole number of at least 1, got ${concurrency}`,
      );
    }
    const outcomes: SendManyOutcome[] = new Array(messages.length);
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const index = next++;
        const message = messages[index]!;
        try {
          outcomes[index] = { ok: true, message, result: await send(message) };
        } catch (error) {
          outcomes[index] = { ok: false, message, error: toAnymailError(error, provider.name) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, worker));
    return outcomes;
  }

  function close(): Promise<void> {
    closing ??= Promise.resolve().then(() => provider.close?.());
    return closing;
  }

  async function sendBatch(
    messages: readonly EmailMessage[],
    batchOptions: SendBatchOptions = {},
  ): Promise<SendManyOutcome[]> {
    const key = resolveIdempotencyKey(batchOptions.idempotencyKey);
    const policy =
      batchOptions.retry === undefined ? retry : resolveRetryOptions(batchOptions.retry);
    const outcomes: SendManyOutcome[] = new Array(messages.length);
    const ready: { index: number; message: EmailMessage; prepared: PreparedMessage }[] = [];
    for (const [index, input] of messages.entries()) {
      try {
        ready.push({ index, ...(await beforeSend(input)) });
      } catch (error) {
        outcomes[index] = isAnymailError(error, "send_cancelled")
          ? { ok: true, message: input, result: { status: new Set(), recipients: {} } }
          : { ok: false, message: input, error: toAnymailError(error, provider.name) };
      }
    }
    const sender = batchSender(policy);
    const together = ready.filter((r) => canBatch(provider, r.prepared));
    const alone = ready.filter((r) => !canBatch(provider, r.prepared));
    const settle = async (
      entry: (typeof ready)[number],
      outcome: Promise<SendResult>,
    ): Promise<void> => {
      try {
        const result = await afterSend(await outcome, entry.message);
        outcomes[entry.index] = { ok: true, message: messages[entry.index]!, result };
      } catch (error) {
        outcomes[entry.index] = {
          ok: false,
          message: messages[entry.index]!,
          error: toAnymailError(error, provider.name),
        };
      }
    };
    const batched = await sendPreparedBatch(
      sender,
      together.map((r) => r.prepared),
      key,
    );
    await Promise.all([
      ...together.map((entry, i) => {
        const outcome = batched[i]!;
        return settle(
          entry,
          outcome.ok ? Promise.resolve(outcome.result) : Promise.reject(outcome.error),
        );
      }),
      ...alone.map((entry) =>
        settle(entry, deliver(entry.prepared, `${key}:${entry.index + 1}`, policy)),
      ),
    ]);
    return outcomes;
  }

  function prepare(message: EmailMessage): PreparedMessage {
    return check(combineDefaults(options.defaults, message));
  }

  return { provider, send, sendMany, sendBatch, prepare, close };
}

function resolveCoalesceMax(max: number | undefined, batchSize: number): number {
  if (max === undefined) return batchSize;
  if (!Number.isInteger(max) || max < 1) {
    throw new AnymailConfigurationError(
      `coalesce.max must be a whole number of at least 1, got ${max}`,
    );
  }
  return Math.min(max, batchSize);
}

function resolveCoalesceConcurrency(concurrency: number | undefined): number {
  if (concurrency === undefined) return 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new AnymailConfigurationError(
      `coalesce.concurrency must be a whole number of at least 1, got ${concurrency}`,
    );
  }
  return concurrency;
}

function resolveIdempotencyKey(given: unknown): string {
  if (given === undefined || given === null) return globalThis.crypto.randomUUID();
  // The key travels in an HTTP header: no controls (NUL, CR, LF, ...) nor line separators.
  if (typeof given !== "string" || given === "" || HEADER_UNSAFE_CHARACTER.test(given)) {
    throw new AnymailSerializationError("`idempotencyKey` must be a non-empty single-line string", {
      field: "idempotencyKey",
    });
  }
  return given;
}

/** Nothing untyped escapes a send: foreign errors are wrapped, the original kept as cause. */
function toAnymailError(error: unknown, provider: string): AnymailError {
  if (isAnymailError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new AnymailError(`Unexpected error while sending with ${provider}: ${text}`, {
    provider,
    cause: error,
  });
}

function describeError(error: AnymailError): Record<string, unknown> {
  const described: Record<string, unknown> = {
    name: error.name,
    code: error.code,
    message: error.message,
  };
  if (error instanceof AnymailAPIError || isAnymailError(error, "api_error")) {
    const api = error as AnymailAPIError;
    Object.assign(described, {
      kind: api.kind,
      statusCode: api.statusCode,
      providerCode: api.providerCode,
      retryable: api.retryable,
      retryAfterMs: api.retryAfterMs,
      response: api.response,
    });
  }
  return described;
}
