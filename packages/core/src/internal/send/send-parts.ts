import { AnymailAPIError, AnymailPartialSend, isAnymailError } from "../../errors.js";
import type { PreparedMessage } from "../../prepared.js";
import type { RecipientStatus, SendResult } from "../../result.js";
import { isUnanswered } from "./ambiguous.js";

/** Sends one part under its own idempotency key, with whatever retries the caller allows. */
export type PartSender = (part: PreparedMessage, idempotencyKey: string) => Promise<SendResult>;

/**
 * Runs the parts of a split send (`Provider.split`) in order, part `n` under the key
 * `<key>/<n>`, so a later send with the same key repeats the same calls. A part is sent
 * once it is its turn and never again once accepted: the retries of a failed part are the
 * `sendPart` callback's (the mailer's retry loop, which retries only what is safe). When a
 * part fails for good:
 *
 * - nothing may have been accepted yet (the first part, refused or never written): its
 *   error is the send's error, exactly as for an unsplit send;
 * - otherwise: {@link AnymailPartialSend} with the accepted statuses and every other
 *   recipient marked `failed` (provably not taken) or `unknown` (may have been taken).
 *
 * `expired()` is asked before each later part: past the send's deadline no new call starts.
 */
export async function sendParts(
  provider: string,
  parts: readonly PreparedMessage[],
  idempotencyKey: string,
  sendPart: PartSender,
  expired: () => boolean,
): Promise<SendResult> {
  const accepted: SendResult[] = [];
  for (const [index, part] of parts.entries()) {
    let failure: unknown;
    let started = false;
    if (index > 0 && expired()) {
      failure = new AnymailAPIError(
        `The send's deadline passed before call ${index + 1} of ${parts.length}`,
        { provider, kind: "timeout", retryable: true },
      );
    } else {
      started = true;
      try {
        accepted.push(await sendPart(part, `${idempotencyKey}/${index + 1}`));
        continue;
      } catch (error) {
        failure = error;
      }
    }
    const maybeTaken = started && mayHaveBeenAccepted(failure);
    if (index === 0 && !maybeTaken) throw failure;
    throw partialSend(provider, accepted, parts.slice(index), index, parts.length, failure, {
      maybeTaken,
    });
  }
  return mergeResults(accepted);
}

/** One result for the accepted parts: every recipient's first status, ids kept when shared. */
export function mergeResults(results: readonly SendResult[]): SendResult {
  const recipients: Record<string, RecipientStatus> = {};
  for (const result of results) {
    for (const [addrSpec, status] of Object.entries(result.recipients)) {
      recipients[addrSpec] ??= status;
    }
  }
  const merged: SendResult = {
    status: new Set(Object.values(recipients).map((r) => r.status)),
    recipients,
  };
  const ids = new Set(results.map((r) => r.messageId));
  const [only] = ids;
  if (ids.size === 1 && only !== undefined) merged.messageId = only;
  const last = results.findLast((r) => r.espResponse !== undefined)?.espResponse;
  if (last !== undefined) merged.espResponse = last;
  return merged;
}

/** Written and unanswered (or failed in a way nobody classified): the ESP may have it. */
function mayHaveBeenAccepted(error: unknown): boolean {
  if (!isAnymailError(error)) return true;
  return isAnymailError(error, "api_error") && isUnanswered(error);
}

function partialSend(
  provider: string,
  accepted: readonly SendResult[],
  rest: readonly PreparedMessage[],
  index: number,
  count: number,
  cause: unknown,
  { maybeTaken }: { maybeTaken: boolean },
): AnymailPartialSend {
  const result = mergeResults(accepted);
  result.provider = provider;
  const failedRecipients: string[] = [];
  const unknownRecipients: string[] = [];
  for (const [offset, part] of rest.entries()) {
    const unknown = offset === 0 && maybeTaken;
    for (const address of [...part.to, ...part.cc, ...part.bcc]) {
      if (result.recipients[address.addrSpec] !== undefined) continue;
      result.recipients[address.addrSpec] = { status: unknown ? "unknown" : "failed" };
      (unknown ? unknownRecipients : failedRecipients).push(address.addrSpec);
    }
  }
  result.status = new Set(Object.values(result.recipients).map((r) => r.status));
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AnymailPartialSend(
    `${provider} accepted ${index} of the ${count} calls of a split send; call ${index + 1} failed (${reason})` +
      (maybeTaken ? " and may have been accepted" : "") +
      (index + 1 < count ? `; calls ${index + 2}–${count} were not made` : ""),
    { provider, cause, result, failedRecipients, unknownRecipients },
  );
}
