import { isAnymailError } from "../../errors.js";
import type { PreparedMessage } from "../../prepared.js";
import type {
  BatchItemOutcome,
  BatchSupport,
  FeatureSupport,
  Provider,
  SendContext,
} from "../../provider.js";
import type { SecretRedaction } from "../../redact.js";
import type { SendResult } from "../../result.js";
import { splitByRecipients } from "../../split.js";

/**
 * One call that reached the test provider.
 *
 * @example
 * ```ts
 * await createMailer({ provider }).send({ from: "a@example.com", to: "b@example.org", subject: "Hi" });
 * const [entry]: TestOutboxEntry[] = provider.outbox;
 * entry?.params; // { from: "a@example.com", to: ["b@example.org"], subject: "Hi", isBatch: false }
 * entry?.attempt; // 1
 * ```
 */
export interface TestOutboxEntry {
  message: PreparedMessage;
  /** What a real provider would send: only the fields that are set, plus `isBatch`. */
  params: Record<string, unknown>;
  idempotencyKey: string;
  attempt: number;
}

/**
 * Options of {@link createTestProvider}.
 *
 * @example
 * ```ts
 * createTestProvider({ name: "Fake", features: { unsupported: ["trackOpens"], quirks: [] } });
 * ```
 */
export interface TestProviderOptions {
  /** Name used in errors. Default `"Test"`. */
  name?: string;
  /** Feature table. Default: supports everything. */
  features?: FeatureSupport;
  /**
   * Whether it declares itself idempotent (see `Provider.idempotent`). Default true, like
   * an ESP that de-duplicates by key; false to test what core does for one that doesn't.
   */
  idempotent?: boolean;
  /** Secrets core should mask in logs, as a real provider declares them. */
  redaction?: SecretRedaction;
  /**
   * Declares `split`: batch sends go in calls of at most this many `to` recipients, as an
   * ESP with a per-call limit would (see `Provider.split`). Default: every send is one call.
   */
  splitBatchAt?: number;
  /**
   * Scripts the response: return a SendResult, throw (e.g. an AnymailAPIError), or return
   * `undefined` for the default (every recipient `sent`).
   */
  respond?(
    message: PreparedMessage,
    context: SendContext,
  ): SendResult | undefined | Promise<SendResult | undefined>;
  /**
   * The batch endpoint it offers: `sendBatch` takes up to this many messages (default 100),
   * or `false` for a provider without one.
   */
  batch?: BatchSupport | false;
  /**
   * Scripts a batch call: throw to fail the whole call, return outcomes, or `undefined`
   * for the default (each message answered like `send`, `respond` included).
   */
  respondBatch?(
    messages: readonly PreparedMessage[],
    context: SendContext,
  ): BatchItemOutcome[] | undefined | Promise<BatchItemOutcome[] | undefined>;
}

/**
 * One `sendBatch` call that reached the test provider.
 *
 * @example
 * ```ts
 * provider.batchCalls[0]?.messages.length; // 3
 * ```
 */
export interface TestBatchCall {
  messages: readonly PreparedMessage[];
  idempotencyKey: string;
  attempt: number;
}

/**
 * The in-memory provider returned by {@link createTestProvider}.
 *
 * @example
 * ```ts
 * provider.outbox[0]?.params.subject;
 * ```
 */
export interface TestProvider extends Provider {
  /** Successful sends, in order. */
  readonly outbox: TestOutboxEntry[];
  /** Every call, failed attempts included. */
  readonly calls: TestOutboxEntry[];
  /** Every `sendBatch` call, failed attempts included; its messages also land in `outbox`. */
  readonly batchCalls: TestBatchCall[];
  /** How many times `close()` was called. */
  readonly closeCount: number;
  /** Empties `outbox` and `calls`. */
  reset(): void;
}

const PARAM_FIELDS = [
  "subject",
  "text",
  "html",
  "headers",
  "tags",
  "metadata",
  "sendAt",
  "trackClicks",
  "trackOpens",
  "templateId",
  "mergeData",
  "mergeGlobalData",
  "mergeMetadata",
  "mergeHeaders",
] as const;

/**
 * An in-memory provider like anymail's test backend: it records each send with the
 * params a real provider would send, and answers every to/cc/bcc recipient `sent` with
 * `messageId` = the outbox index.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { createTestProvider } from "@anymail/core/testing";
 *
 * const provider = createTestProvider();
 * const mailer = createMailer({ provider });
 * await mailer.send({ from: "a@example.com", to: "b@example.org", subject: "Hi" });
 * provider.outbox[0]?.params.to; // ["b@example.org"]
 * ```
 */
export function createTestProvider(options: TestProviderOptions = {}): TestProvider {
  const outbox: TestOutboxEntry[] = [];
  const calls: TestOutboxEntry[] = [];
  const batchCalls: TestBatchCall[] = [];
  let closeCount = 0;
  const batch = options.batch === false ? undefined : (options.batch ?? { maxMessages: 100 });
  const provider: TestProvider = {
    name: options.name ?? "Test",
    features: options.features ?? { unsupported: [], quirks: [] },
    idempotent: options.idempotent ?? true,
    ...(options.redaction === undefined ? {} : { redaction: options.redaction }),
    ...(options.splitBatchAt === undefined
      ? {}
      : {
          split: (message: PreparedMessage) =>
            splitByRecipients(message, options.splitBatchAt as number),
        }),
    outbox,
    calls,
    batchCalls,
    ...(batch ? { batch } : {}),
    get closeCount() {
      return closeCount;
    },
    reset() {
      outbox.length = 0;
      calls.length = 0;
      batchCalls.length = 0;
    },
    async close() {
      closeCount++;
    },
    async send(message, context) {
      const entry: TestOutboxEntry = {
        message,
        params: toParams(message),
        idempotencyKey: context.idempotencyKey,
        attempt: context.attempt,
      };
      calls.push(entry);
      const scripted = await options.respond?.(message, context);
      if (scripted !== undefined) {
        outbox.push(entry);
        return scripted;
      }
      const messageId = String(outbox.length);
      outbox.push(entry);
      const recipients: SendResult["recipients"] = {};
      for (const address of [...message.to, ...message.cc, ...message.bcc]) {
        recipients[address.addrSpec] ??= { status: "sent", messageId };
      }
      return { messageId, status: new Set(["sent"]), recipients };
    },
  };
  if (batch) {
    provider.sendBatch = async (messages, context) => {
      batchCalls.push({
        messages,
        idempotencyKey: context.idempotencyKey,
        attempt: context.attempt,
      });
      const scripted = await options.respondBatch?.(messages, context);
      if (scripted !== undefined) return scripted;
      const outcomes: BatchItemOutcome[] = [];
      for (const [i, message] of messages.entries()) {
        const itemContext = { ...context, idempotencyKey: `${context.idempotencyKey}[${i}]` };
        try {
          outcomes.push({ ok: true, result: await provider.send(message, itemContext) });
        } catch (error) {
          // An untyped throw fails the whole call, like a provider bug would.
          if (!isAnymailError(error)) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    };
  }
  return provider;
}

function toParams(message: PreparedMessage): Record<string, unknown> {
  const params: Record<string, unknown> = { from: message.from.address };
  for (const field of ["to", "cc", "bcc", "replyTo"] as const) {
    if (message[field].length > 0) params[field] = message[field].map((a) => a.address);
  }
  if (message.attachments.length > 0) params.attachments = message.attachments;
  for (const field of PARAM_FIELDS) {
    if (message[field] !== undefined) params[field] = message[field];
  }
  if (message.envelopeSender) params.envelopeSender = message.envelopeSender.addrSpec;
  params.isBatch = message.isBatch;
  // Like anymail's test backend: espExtra lands at the top level, last.
  if (message.espExtra) Object.assign(params, message.espExtra);
  return params;
}
