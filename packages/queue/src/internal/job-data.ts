import type { Encoded } from "./codec.js";
import type { StoredError } from "./errors.js";

/** What a mail job holds in Redis. Written once at enqueue; `error` added on failure. */
export interface MailJobData {
  /** Schema version. */
  v: 1;
  /** The idempotency key every attempt on every worker sends with. */
  key: string;
  message: Encoded;
  /** The last attempt's typed error. */
  error?: StoredError;
}

export const JOB_NAME = "send";

export function isMailJobData(value: unknown): value is MailJobData {
  const data = value as MailJobData | null;
  return typeof data === "object" && data !== null && data.v === 1 && typeof data.key === "string";
}
