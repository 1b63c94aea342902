import type { EspResponse } from "./errors.js";

/** A recipient's send status, as in anymail. */
export type SendStatus = "sent" | "queued" | "invalid" | "rejected" | "failed" | "unknown";

/** The outcome for one recipient. */
export interface RecipientStatus {
  status: SendStatus;
  /** The provider's id for this recipient's message, when it gave one. */
  messageId?: string;
}

/**
 * What `mailer.send` resolves to.
 *
 * @example
 * ```ts
 * const result = await mailer.send(message);
 * result.recipients["ana@example.org"]?.messageId;
 * ```
 */
export interface SendResult {
  /** The id when every recipient shares one, else undefined. */
  messageId?: string;
  /** Every distinct recipient status. */
  status: Set<SendStatus>;
  /** Keyed by addr-spec: to, cc and bcc. */
  recipients: Record<string, RecipientStatus>;
  /** The last HTTP exchange with the provider. */
  espResponse?: EspResponse;
}
