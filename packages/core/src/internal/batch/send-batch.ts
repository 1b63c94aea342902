import { AnymailAPIError, AnymailError, isAnymailError } from "../../errors.js";
import type { PreparedMessage } from "../../prepared.js";
import type { BatchItemOutcome, Logger, Provider } from "../../provider.js";
import type { SendResult } from "../../result.js";
import { type ResolvedRetryOptions, withRetries } from "../../retry.js";

/** What sending one group of messages needs from the mailer. */
export interface BatchSender {
  readonly provider: Provider;
  readonly retry: ResolvedRetryOptions;
  readonly logger?: Logger;
  /** Passed on to the provider, as for single sends. */
  readonly ignoreUnsupportedFeatures: boolean;
  /** Which failures may be retried (absent: every retryable one). */
  readonly retryPolicy?: (error: AnymailAPIError) => boolean;
  /** Sends one message alone (the mailer's own retry loop). */
  sendAlone(message: PreparedMessage, idempotencyKey: string): Promise<SendResult>;
}

/** True when the provider's batch call can carry this message. */
export function canBatch(provider: Provider, message: PreparedMessage): boolean {
  if (provider.sendBatch === undefined || provider.batch === undefined) return false;
  if (message.isBatch) return false;
  return provider.batch.accepts?.(message) ?? true;
}

/**
 * Sends independent messages in as few provider calls as its batch size allows. Each call
 * has its own idempotency key derived from `idempotencyKey` (`<key>` for a single call,
 * `<key>/1`, `<key>/2`… otherwise), reused by every retry of that call, so the same list
 * sent again with the same key is the same calls. A call the provider refused as a whole
 * (400/422: nothing was accepted) is split and each message sent alone, so one bad message
 * gets its own error instead of failing its neighbours.
 */
export async function sendPreparedBatch(
  sender: BatchSender,
  messages: readonly PreparedMessage[],
  idempotencyKey: string,
): Promise<BatchItemOutcome[]> {
  const { provider } = sender;
  const size = provider.batch?.maxMessages ?? 1;
  const chunks: PreparedMessage[][] = [];
  for (let i = 0; i < messages.length; i += size) chunks.push(messages.slice(i, i + size));
  const outcomes: BatchItemOutcome[] = [];
  for (const [index, chunk] of chunks.entries()) {
    const key = chunks.length === 1 ? idempotencyKey : `${idempotencyKey}/${index + 1}`;
    outcomes.push(...(await sendChunk(sender, chunk, key)));
  }
  return outcomes;
}

async function sendChunk(
  sender: BatchSender,
  chunk: readonly PreparedMessage[],
  key: string,
): Promise<BatchItemOutcome[]> {
  const { provider, retry, logger, retryPolicy, ignoreUnsupportedFeatures } = sender;
  if (chunk.length === 1 || provider.sendBatch === undefined) {
    return Promise.all(chunk.map((message, i) => alone(sender, message, aloneKey(key, i, chunk))));
  }
  const sendBatch = provider.sendBatch.bind(provider);
  try {
    const outcomes = await withRetries(
      retry,
      ({ attempt, signal, deadline }) =>
        sendBatch(chunk, {
          idempotencyKey: key,
          signal,
          deadline,
          attempt,
          ignoreUnsupportedFeatures,
          ...(logger ? { logger } : {}),
        }),
      undefined,
      retryPolicy,
    );
    if (!Array.isArray(outcomes) || outcomes.length !== chunk.length) {
      const error = new AnymailAPIError(
        `${provider.name} answered a batch of ${chunk.length} with ${Array.isArray(outcomes) ? outcomes.length : "no"} results`,
        { provider: provider.name, kind: "invalid_response" },
      );
      return chunk.map(() => ({ ok: false, error }));
    }
    return outcomes;
  } catch (error) {
    if (refusedAsAWhole(error)) {
      return Promise.all(chunk.map((message, i) => alone(sender, message, `${key}#${i + 1}`)));
    }
    const typed = isAnymailError(error)
      ? error
      : new AnymailError(`Unexpected error in a ${provider.name} batch send: ${String(error)}`, {
          provider: provider.name,
          cause: error,
        });
    return chunk.map(() => ({ ok: false, error: typed }));
  }
}

function aloneKey(key: string, index: number, chunk: readonly PreparedMessage[]): string {
  return chunk.length === 1 ? key : `${key}#${index + 1}`;
}

async function alone(
  sender: BatchSender,
  message: PreparedMessage,
  key: string,
): Promise<BatchItemOutcome> {
  try {
    return { ok: true, result: await sender.sendAlone(message, key) };
  } catch (error) {
    const typed = isAnymailError(error)
      ? error
      : new AnymailError(String(error), { provider: sender.provider.name, cause: error });
    return { ok: false, error: typed };
  }
}

/** A 400/422 answer to the whole call: the provider accepted none of it. */
function refusedAsAWhole(error: unknown): boolean {
  if (!isAnymailError(error, "api_error")) return false;
  return (
    !error.retryable &&
    error.kind === "http" &&
    (error.statusCode === 400 || error.statusCode === 422)
  );
}
