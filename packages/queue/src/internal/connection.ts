import type { ConnectionOptions } from "bullmq";

/**
 * Where Redis is: ioredis options (`{ host, port, password, db, tls }`), or an ioredis
 * instance to share. Every queue and worker opens its own connections from it.
 *
 * @example
 * ```ts
 * const connection: MailQueueConnection = { host: "127.0.0.1", port: 6379 };
 * ```
 */
export type MailQueueConnection = ConnectionOptions;
