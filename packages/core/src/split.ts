import { AnymailConfigurationError } from "./errors.js";
import type { PreparedMessage } from "./prepared.js";

/**
 * Splits a batch send (`isBatch`) into parts of at most `maxTo` `to` recipients each, in
 * order, for a provider's `split`: each part is the same message with a slice of `to` (cc,
 * bcc and the per-recipient merge fields unchanged, since a batch's fields are looked up by
 * `to` recipient). A send that isn't a batch, or fits, comes back whole as `[message]`: a
 * single message's recipients all see each other and can't be split.
 *
 * @example
 * ```ts
 * const provider: Provider = {
 *   name: "Example",
 *   features: { unsupported: [], quirks: [] },
 *   split: (message) => splitByRecipients(message, 100), // 250 batch recipients → 3 calls
 *   send,
 * };
 * ```
 */
export function splitByRecipients(
  message: PreparedMessage,
  maxTo: number,
): readonly PreparedMessage[] {
  if (!Number.isInteger(maxTo) || maxTo < 1) {
    throw new AnymailConfigurationError(
      `splitByRecipients needs a whole number of at least 1, got ${maxTo}`,
    );
  }
  if (!message.isBatch || message.to.length <= maxTo) return [message];
  const parts: PreparedMessage[] = [];
  for (let start = 0; start < message.to.length; start += maxTo) {
    parts.push({ ...message, to: message.to.slice(start, start + maxTo) });
  }
  return parts;
}
