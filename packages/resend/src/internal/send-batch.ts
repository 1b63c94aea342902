import type {
  BatchItemOutcome,
  BatchSupport,
  EspResponse,
  PreparedMessage,
  RecipientStatus,
} from "@anymail/core";
import { planResendRequest } from "../message-converter.js";
import { RESEND_MAX_BATCH_SIZE } from "../quirks.js";
import { parseBatchResponse } from "./responses.js";

/**
 * What `POST /emails/batch` carries: independent emails, up to 100, none with attachments
 * or `scheduled_at` (Resend refuses both in a batch). Those, and hosted-template sends, go
 * through `POST /emails`.
 */
export const RESEND_BATCH_SUPPORT: BatchSupport = {
  maxMessages: RESEND_MAX_BATCH_SIZE,
  accepts: (message) =>
    message.attachments.length === 0 &&
    message.sendAt === undefined &&
    message.templateId === undefined,
};

/** The batch body: each message's own `POST /emails` JSON, in order. */
export function resendBatchBody(messages: readonly PreparedMessage[]): string {
  return `[${messages.map((message) => planResendRequest(message).body).join(",")}]`;
}

/** One result per message from the batch response (one id each, in order). */
export function resendBatchOutcomes(
  messages: readonly PreparedMessage[],
  espResponse: EspResponse,
): BatchItemOutcome[] {
  const ids = parseBatchResponse(espResponse, messages.length);
  return messages.map((message, index) => {
    const messageId = ids[index]!;
    const recipients: Record<string, RecipientStatus> = {};
    for (const list of [message.to, message.cc, message.bcc]) {
      for (const recipient of list)
        recipients[recipient.addrSpec] ??= { status: "queued", messageId };
    }
    return {
      ok: true,
      result: { messageId, status: new Set(["queued"]), recipients, espResponse },
    };
  });
}
