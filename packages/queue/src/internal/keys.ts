import { createHash } from "node:crypto";

/**
 * The BullMQ job id of an idempotency key: stable per key, and free of the characters
 * BullMQ refuses in custom ids (`:`, all-digit ids).
 */
export function jobIdOf(idempotencyKey: string): string {
  return `mail-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40)}`;
}
