import { EventEmitter } from "node:events";
import {
  type AnymailAPIError,
  AnymailConfigurationError,
  AnymailError,
  type Mailer,
  type SendResult,
} from "@anymail/core";
import { type Job, type MinimalJob, Queue, UnrecoverableError, Worker } from "bullmq";
import { decodeMessage, decodeResult, encodeResult } from "./internal/codec.js";
import { createBatchCoordinator } from "./internal/coalesce/coordinator.js";
import type { MailQueueConnection } from "./internal/connection.js";
import { deserializeError, serializeError, toAnymailError } from "./internal/errors.js";
import { isMailJobData, type MailJobData } from "./internal/job-data.js";
import { checkQueueName, DEFAULT_PREFIX } from "./internal/names.js";
import { backoffDelay, isRateLimited, shouldRetry } from "./internal/retry-policy.js";

/**
 * Options of {@link createMailWorker}.
 *
 * @example
 * ```ts
 * const options: MailWorkerOptions = {
 *   connection, name: "mail", mailer, concurrency: 16, rateLimit: { max: 2, durationMs: 1_000 },
 * };
 * ```
 */
export interface MailWorkerOptions {
  connection: MailQueueConnection;
  /** The queue's name. */
  name: string;
  /** Sends each message (its defaults, hooks and provider). Its own retries are not used: the queue retries. */
  mailer: Mailer;
  /** Messages in flight in this process. Default 16. */
  concurrency?: number;
  /**
   * The ESP's request limit, enforced across every worker of the queue (set the same value
   * on each): at most `max` provider calls per `durationMs`.
   */
  rateLimit?: { max: number; durationMs: number };
  /**
   * Sends compatible waiting messages together in the provider's batch call (Resend's
   * `/emails/batch`), up to `max` (capped at the provider's batch size). The batch's
   * members and key are stored in Redis before it is sent, so a retry on any worker repeats
   * the same batch. `rateLimit` then counts provider calls, not messages.
   */
  coalesce?: { max?: number; windowMs?: number };
  /** Redis key prefix. Default `"anymail"`. */
  prefix?: string;
  /** Largest wait between attempts. Default 60 000. */
  maxBackoffMs?: number;
  /** Wait after a 429 without `retry-after`. Default 1 000. */
  rateLimitedWaitMs?: number;
  /**
   * No retry is started past this age of a message (the ESP's idempotency-key lifetime, so
   * a late retry can't send twice). Default 23 hours (Resend keeps keys 24).
   */
  idempotencyWindowMs?: number;
  /**
   * How long a worker holds a job before others may take it over (it renews the lock while
   * alive). A killed worker's jobs are retried after about this long. Default 30 000.
   */
  lockDurationMs?: number;
  /** How often workers look for jobs of killed workers. Default: `lockDurationMs`. */
  stalledIntervalMs?: number;
  /** Start taking jobs right away. Default true; else call `run()`. */
  autorun?: boolean;
}

/**
 * Events of a {@link MailWorker}.
 *
 * @example
 * ```ts
 * worker.on("sent", (id, result) => console.log(id, result.messageId));
 * worker.on("failed", (id, error) => console.error(id, error.code, error.message));
 * ```
 */
export interface MailWorkerEvents {
  /** A message was accepted by the provider. */
  sent: [id: string, result: SendResult];
  /** A message failed for good (non-retryable, or out of attempts); `error` is typed. */
  failed: [id: string, error: AnymailError];
  /** An attempt failed and the message will be tried again. */
  retrying: [id: string, error: AnymailError];
  /** The provider answered 429: the whole queue waits `waitMs`. */
  rateLimited: [waitMs: number, error: AnymailError];
  /** A Redis or worker failure outside any one message. */
  error: [error: Error];
}

/**
 * A worker process's handle on the queue.
 *
 * @example
 * ```ts
 * const worker = createMailWorker({ connection, name: "mail", mailer });
 * process.on("SIGTERM", () => worker.close());
 * ```
 */
export interface MailWorker {
  on<E extends keyof MailWorkerEvents>(
    event: E,
    listener: (...args: MailWorkerEvents[E]) => void,
  ): this;
  off<E extends keyof MailWorkerEvents>(
    event: E,
    listener: (...args: MailWorkerEvents[E]) => void,
  ): this;
  once<E extends keyof MailWorkerEvents>(
    event: E,
    listener: (...args: MailWorkerEvents[E]) => void,
  ): this;
  /** Starts taking jobs when created with `autorun: false`. */
  run(): void;
  /** Resolves once the worker is connected and taking jobs. */
  waitUntilReady(): Promise<void>;
  /** The underlying BullMQ worker. */
  readonly bullWorker: Worker;
  /** Finishes the jobs in flight, then disconnects. */
  close(): Promise<void>;
}

/**
 * Creates a worker that sends queued messages through `mailer`.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { createMailWorker } from "@anymail/queue";
 * import { resend } from "@anymail/resend";
 *
 * const worker = createMailWorker({
 *   connection: { host: "127.0.0.1", port: 6379 },
 *   name: "mail",
 *   mailer: createMailer({ provider: resend() }),
 *   concurrency: 16,
 *   rateLimit: { max: 2, durationMs: 1_000 },
 * });
 * worker.on("sent", (id, result) => console.log("sent", id, result.messageId));
 * ```
 */
export function createMailWorker(options: MailWorkerOptions): MailWorker {
  checkQueueName(options.name);
  const { mailer } = options;
  if (typeof mailer?.send !== "function" || typeof mailer.prepare !== "function") {
    throw new AnymailConfigurationError("createMailWorker needs a mailer from createMailer");
  }
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new AnymailConfigurationError(
      `createMailWorker: concurrency must be a whole number of at least 1, got ${concurrency}`,
    );
  }
  const rateLimit = options.rateLimit;
  if (
    rateLimit &&
    !(Number.isInteger(rateLimit.max) && rateLimit.max >= 1 && rateLimit.durationMs > 0)
  ) {
    throw new AnymailConfigurationError(
      "createMailWorker: rateLimit needs a whole max of at least 1 and a positive durationMs",
    );
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const lockDuration = options.lockDurationMs ?? 30_000;
  const windowMs = options.idempotencyWindowMs ?? 23 * 60 * 60 * 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const rateLimitedWaitMs = options.rateLimitedWaitMs ?? 1_000;
  const provider = mailer.provider;
  const events = new EventEmitter();
  // The queue handle only pauses every worker after a 429 (BullMQ's queue-wide limiter key).
  const control = new Queue(options.name, { connection: options.connection, prefix });
  control.on("error", (error) => emitError(error));

  const coordinator =
    options.coalesce === undefined
      ? undefined
      : createBatchCoordinator({
          connection: options.connection,
          prefix: `${prefix}:${options.name}`,
          mailer,
          max: options.coalesce.max,
          windowMs: options.coalesce.windowMs ?? 50,
          rateLimit,
          lockDurationMs: lockDuration,
          onRateLimited: (waitMs, error) => events.emit("rateLimited", waitMs, error),
        });

  async function process(job: Job): Promise<unknown> {
    const data = job.data as unknown;
    if (!isMailJobData(data)) {
      throw new UnrecoverableError(`Job ${job.id} is not an anymail message`);
    }
    const startedAt = job.timestamp + (job.opts.delay ?? 0);
    if (job.attemptsMade > 0 && Date.now() - startedAt > windowMs) {
      const error = new AnymailError(
        `Gave up on ${job.id}: a retry now could fall outside ${provider.name}'s idempotency window and send twice`,
        { provider: provider.name },
      );
      await keepError(job, data, error);
      throw new UnrecoverableError(error.message);
    }
    const message = { ...decodeMessage(data.message), idempotencyKey: data.key };
    let result: SendResult;
    try {
      result = coordinator
        ? await coordinator.send(job, message)
        : await mailer.send(message, { retry: false });
    } catch (thrown) {
      const error = toAnymailError(thrown, provider.name);
      await keepError(job, data, error);
      if (!coordinator && isRateLimited(error)) {
        // One 429 pauses the whole queue, every worker, for the ESP's retry-after.
        const waitMs = (error as AnymailAPIError).retryAfterMs ?? rateLimitedWaitMs;
        events.emit("rateLimited", waitMs, error);
        await control.rateLimit(Math.max(1, waitMs));
        throw Worker.RateLimitError();
      }
      if (!shouldRetry(error, provider)) throw new UnrecoverableError(error.message);
      throw new Error(error.message);
    }
    return encodeResult(result);
  }

  const worker = new Worker(options.name, process, {
    connection: options.connection,
    prefix,
    autorun: options.autorun ?? true,
    // Coalescing needs enough jobs in flight to fill a batch.
    concurrency: coordinator ? Math.max(concurrency, coordinator.max) : concurrency,
    // BullMQ honours a queue-wide pause (after a 429) only in workers that have a limiter.
    ...(coordinator
      ? {}
      : { limiter: rateLimit ? { max: rateLimit.max, duration: rateLimit.durationMs } : NO_LIMIT }),
    lockDuration,
    stalledInterval: options.stalledIntervalMs ?? lockDuration,
    // A killed worker's job is taken over, however many workers die on it.
    maxStalledCount: 10,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, error?: Error, job?: MinimalJob) =>
        backoffDelay(attemptsMade, job?.opts.backoff, error, job, maxBackoffMs),
    },
  });

  worker.on("completed", (job: Job, value: unknown) => {
    events.emit("sent", job.id!, decodeResult(value));
  });
  worker.on("failed", (job: Job | undefined, thrown: Error) => {
    if (!job) return;
    const data = job.data as MailJobData;
    const error = data?.error
      ? deserializeError(data.error)
      : toAnymailError(thrown, provider.name);
    const final =
      thrown instanceof UnrecoverableError ||
      thrown.name === "UnrecoverableError" ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    events.emit(final ? "failed" : "retrying", job.id!, error);
  });
  worker.on("error", (error) => emitError(error));

  function emitError(error: Error): void {
    // An EventEmitter throws an "error" nobody listens to; a worker must not crash for it.
    if (events.listenerCount("error") > 0) events.emit("error", error);
  }

  let closing: Promise<void> | undefined;
  const handle: MailWorker = {
    on(event, listener) {
      events.on(event, listener as (...args: unknown[]) => void);
      return handle;
    },
    off(event, listener) {
      events.off(event, listener as (...args: unknown[]) => void);
      return handle;
    },
    once(event, listener) {
      events.once(event, listener as (...args: unknown[]) => void);
      return handle;
    },
    run() {
      void worker.run();
    },
    waitUntilReady: async () => {
      await worker.waitUntilReady();
    },
    bullWorker: worker,
    close() {
      closing ??= (async () => {
        await worker.close();
        await coordinator?.close();
        await control.close();
      })();
      return closing;
    },
  };
  return handle;
}

const NO_LIMIT = { max: 1_000_000_000, duration: 1_000 };

async function keepError(job: Job, data: MailJobData, error: AnymailError): Promise<void> {
  try {
    await job.updateData({ ...data, error: serializeError(error) });
  } catch {
    // The job may have been taken over (lock lost); its new owner records its own error.
  }
}
