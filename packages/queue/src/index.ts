/**
 * @anymail/queue: durable, exactly-once email sending across many processes on BullMQ and
 * Redis, under one shared rate limit, with optional batch coalescing.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { createMailQueue, createMailWorker } from "@anymail/queue";
 * import { resend } from "@anymail/resend";
 *
 * const connection = { host: "127.0.0.1", port: 6379 };
 * const mailer = createMailer({ provider: resend() });
 * const queue = createMailQueue({ connection, name: "mail", mailer });
 * await queue.enqueue({ from: "shop@example.com", to: "ana@example.org", subject: "Hi", text: "Hello" });
 * const worker = createMailWorker({ connection, name: "mail", mailer, rateLimit: { max: 2, durationMs: 1_000 } });
 * ```
 * @module
 */
export { createMailQueue } from "./queue.js";
export type {
  EnqueuedMail,
  EnqueueOptions,
  MailJob,
  MailQueue,
  MailQueueCounts,
  MailQueueOptions,
} from "./queue.js";
export { createMailWorker } from "./worker.js";
export type { MailWorker, MailWorkerEvents, MailWorkerOptions } from "./worker.js";
export type { MailQueueConnection } from "./internal/connection.js";
