import {
  AnymailConfigurationError,
  AnymailSerializationError,
  type EmailMessage,
  type Mailer,
  type SendResult,
  type AnymailError,
  prepareMessage,
} from "@anymail/core";
import { type Job, Queue } from "bullmq";
import type { MailQueueConnection } from "./internal/connection.js";
import { decodeMessage, decodeResult, encodeMessage } from "./internal/codec.js";
import { deserializeError } from "./internal/errors.js";
import { isMailJobData, JOB_NAME, type MailJobData } from "./internal/job-data.js";
import { jobIdOf } from "./internal/keys.js";
import { openRedis } from "./internal/redis-client.js";
import { checkQueueName, DEFAULT_PREFIX } from "./internal/names.js";

/**
 * Options of {@link createMailQueue}.
 *
 * @example
 * ```ts
 * const options: MailQueueOptions = { connection: { host: "127.0.0.1", port: 6379 }, name: "mail", mailer };
 * ```
 */
export interface MailQueueOptions {
  connection: MailQueueConnection;
  /** Queue name, shared with the workers. No `:`. */
  name: string;
  /**
   * Validates every message at enqueue exactly as `mailer.send` would (defaults, addresses,
   * the provider's feature table), so a bad message is refused to the caller instead of
   * failing later in a worker. Without it only the message itself is validated.
   */
  mailer?: Mailer;
  /** Redis key prefix. Default `"anymail"`. */
  prefix?: string;
  /** Attempts per message, the first included (a 429 wait is not an attempt). Default 10. */
  attempts?: number;
  /** First retry delay; doubles per attempt (with jitter, capped by the worker). Default 1 000. */
  backoffMs?: number;
  /**
   * How long a finished job (and so its idempotency key) is kept: enqueueing the same key
   * again within it is the same job. Default 24 hours, the ESPs' idempotency window.
   */
  keepFinishedSeconds?: number;
}

/**
 * Options of {@link MailQueue.enqueue}.
 *
 * @example
 * ```ts
 * await queue.enqueue(message, { idempotencyKey: `order-${order.id}-confirmation`, delayMs: 60_000 });
 * ```
 */
export interface EnqueueOptions {
  /**
   * Identifies the message: the same key is one job and one email, however often it is
   * enqueued. Default: the message's own `idempotencyKey`, else a new random key.
   */
  idempotencyKey?: string;
  /** Wait this long before the first attempt. */
  delayMs?: number;
}

/**
 * What {@link MailQueue.enqueue} returns.
 *
 * @example
 * ```ts
 * const { id, idempotencyKey }: EnqueuedMail = await queue.enqueue(message);
 * ```
 */
export interface EnqueuedMail {
  /** The job id, stable per idempotency key. */
  id: string;
  idempotencyKey: string;
}

/**
 * Jobs per state.
 *
 * @example
 * ```ts
 * const { waiting, failed }: MailQueueCounts = await queue.counts();
 * ```
 */
export interface MailQueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/**
 * One queued message and where it is.
 *
 * @example
 * ```ts
 * const job = await queue.job(id);
 * if (job?.state === "failed") console.error(job.error?.code, job.error?.message);
 * ```
 */
export interface MailJob {
  id: string;
  idempotencyKey: string;
  state: "waiting" | "active" | "delayed" | "completed" | "failed" | "unknown";
  message: EmailMessage;
  /** Attempts made so far (429 waits not counted). */
  attemptsMade: number;
  /** The provider's result, once sent. */
  result?: SendResult;
  /** The typed error of the last failed attempt (the final one when `state` is `failed`). */
  error?: AnymailError;
}

/**
 * A durable outbox on Redis, shared by every worker.
 *
 * @example
 * ```ts
 * const { id } = await queue.enqueue({ to: "ana@example.org", subject: "Hi", text: "Hello" });
 * console.log(await queue.counts());
 * ```
 */
export interface MailQueue {
  readonly name: string;
  /**
   * Validates the message and stores it with its idempotency key before any attempt.
   * Throws the typed validation error (nothing is stored) for a message that can't be sent.
   */
  enqueue(message: EmailMessage, options?: EnqueueOptions): Promise<EnqueuedMail>;
  counts(): Promise<MailQueueCounts>;
  /** A job by id, or undefined once it was removed. */
  job(id: string): Promise<MailJob | undefined>;
  /** Puts a failed job back in the queue; it keeps its idempotency key. */
  retry(id: string): Promise<void>;
  /** The underlying BullMQ queue, for dashboards and advanced use. */
  readonly bullQueue: Queue;
  close(): Promise<void>;
}

/**
 * Creates the producer side of a mail queue.
 *
 * @example
 * ```ts
 * import { createMailQueue } from "@anymail/queue";
 *
 * const queue = createMailQueue({ connection: { host: "127.0.0.1", port: 6379 }, name: "mail", mailer });
 * const { id } = await queue.enqueue(
 *   { to: "ana@example.org", subject: "Your order", text: "Thanks!" },
 *   { idempotencyKey: "order-1042-confirmation" },
 * );
 * ```
 */
export function createMailQueue(options: MailQueueOptions): MailQueue {
  checkQueueName(options.name);
  const attempts = options.attempts ?? 10;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new AnymailConfigurationError(
      `createMailQueue: attempts must be a whole number of at least 1, got ${attempts}`,
    );
  }
  const backoffMs = options.backoffMs ?? 1_000;
  const keepSeconds = options.keepFinishedSeconds ?? 24 * 60 * 60;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const queue = new Queue(options.name, { connection: options.connection, prefix });
  // A connection error surfaces on the calls that need Redis; don't crash the process.
  queue.on("error", () => {});

  function validate(message: EmailMessage): void {
    if (options.mailer) options.mailer.prepare(message);
    else prepareMessage(message);
  }

  async function enqueue(
    message: EmailMessage,
    enqueueOptions: EnqueueOptions = {},
  ): Promise<EnqueuedMail> {
    validate(message);
    const idempotencyKey =
      enqueueOptions.idempotencyKey ?? message.idempotencyKey ?? globalThis.crypto.randomUUID();
    if (
      typeof idempotencyKey !== "string" ||
      idempotencyKey === "" ||
      /[\r\n]/.test(idempotencyKey)
    ) {
      throw new AnymailSerializationError(
        "`idempotencyKey` must be a non-empty single-line string",
        {
          field: "idempotencyKey",
        },
      );
    }
    const delayMs = enqueueOptions.delayMs ?? 0;
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new AnymailSerializationError(`delayMs must be a non-negative number, got ${delayMs}`, {
        field: "delayMs",
      });
    }
    const { idempotencyKey: _own, ...rest } = message;
    const data: MailJobData = { v: 1, key: idempotencyKey, message: encodeMessage(rest) };
    const id = jobIdOf(idempotencyKey);
    await queue.add(JOB_NAME, data, {
      jobId: id,
      attempts,
      backoff: { type: "anymail", delay: backoffMs },
      ...(delayMs > 0 ? { delay: delayMs } : {}),
      removeOnComplete: { age: keepSeconds },
      removeOnFail: { age: keepSeconds },
    });
    return { id, idempotencyKey };
  }

  async function counts(): Promise<MailQueueCounts> {
    const c = await queue.getJobCounts(
      "waiting",
      "active",
      "delayed",
      "completed",
      "failed",
      "prioritized",
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async function job(id: string): Promise<MailJob | undefined> {
    const found = (await queue.getJob(id)) as Job | undefined;
    if (!found || !isMailJobData(found.data)) return undefined;
    return describeJob(found, await found.getState());
  }

  async function retry(id: string): Promise<void> {
    const found = (await queue.getJob(id)) as Job | undefined;
    if (!found) {
      throw new AnymailConfigurationError(`No mail job ${id} in queue ${options.name}`);
    }
    // A coalesced job whose batch recorded a final failure for it would only replay that
    // failure: a manual retry sends it afresh (the ESP refused it, so nothing was accepted).
    const redis = openRedis(options.connection);
    try {
      await redis.del(`${prefix}:${options.name}:anymail:member:${id}`);
    } finally {
      await redis.quit().catch(() => redis.disconnect());
    }
    await found.retry("failed");
  }

  let closing: Promise<void> | undefined;
  return {
    name: options.name,
    enqueue,
    counts,
    job,
    retry,
    bullQueue: queue,
    close: () => {
      closing ??= queue.close();
      return closing;
    },
  };
}

const STATES = new Set(["waiting", "active", "delayed", "completed", "failed"]);

function describeJob(job: Job, state: string): MailJob {
  const data = job.data as MailJobData;
  const described: MailJob = {
    id: job.id!,
    idempotencyKey: data.key,
    state: (STATES.has(state)
      ? state
      : state === "prioritized"
        ? "waiting"
        : "unknown") as MailJob["state"],
    message: { ...decodeMessage(data.message), idempotencyKey: data.key },
    attemptsMade: job.attemptsMade,
  };
  if (state === "completed" && job.returnvalue !== undefined && job.returnvalue !== null) {
    described.result = decodeResult(job.returnvalue);
  }
  if (data.error !== undefined) described.error = deserializeError(data.error);
  return described;
}
