import type { EspResponse, FailoverAttempt } from "./errors.js";

/**
 * A recipient's send status, as in anymail.
 *
 * @example
 * ```ts
 * const status: SendStatus = result.recipients["ana@example.org"]?.status ?? "unknown";
 * if (result.status.has("queued")) console.log("accepted; delivery pending");
 * ```
 */
export type SendStatus = "sent" | "queued" | "invalid" | "rejected" | "failed" | "unknown";

/**
 * The outcome for one recipient.
 *
 * @example
 * ```ts
 * const ana: RecipientStatus | undefined = result.recipients["ana@example.org"];
 * // { status: "sent", messageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" }
 * ```
 */
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
  /**
   * The name of the provider that accepted the message, e.g. `"Resend"`; under `failover()`
   * the member that accepted it. Set by the mailer for every provider.
   */
  provider?: string;
  /**
   * Set by `failover()` when it passed over providers before this one accepted the message:
   * why each was skipped or how it failed. An `"ambiguous"` entry means that provider may
   * have sent the message too (only with `onAmbiguous: "failover"`).
   */
  attempts?: readonly FailoverAttempt[];
}
