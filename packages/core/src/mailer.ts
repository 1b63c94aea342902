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
import type { EmailMessage } from "./message.js";
import { prepareMessage } from "./prepare.js";
import type { Logger, LogRecord, Provider, SendContext } from "./provider.js";
import { redactSecrets } from "./redact.js";
import type { SendResult } from "./result.js";
import { type RetryOptions, type RetryWait, resolveRetryOptions, withRetries } from "./retry.js";

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
  send(message: EmailMessage): Promise<SendResult>;
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
    provider.idempotent === true ? undefined : (error: AnymailAPIError) => !isAmbiguous(error);
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

  async function sendOnce(input: EmailMessage): Promise<SendResult> {
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
    const prepared = checkFeatures(provider, prepareMessage(message), {
      ignoreUnsupportedFeatures,
    });
    const idempotencyKey = resolveIdempotencyKey(message.idempotencyKey);

    // Without a logger no record is built at all: sends that nobody logs pay nothing.
    const result = await withRetries(
      retry,
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

  async function send(message: EmailMessage): Promise<SendResult> {
    try {
      return await sendOnce(message);
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

  return { provider, send, sendMany, close };
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

/** The request may have reached the ESP, and no answer says what happened to it. */
function isAmbiguous(error: AnymailAPIError): boolean {
  return error.kind === "network" || error.kind === "timeout";
}
