/**
 * @anymail/core: the provider-neutral message, errors, retries and provider contract.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { resend } from "@anymail/resend";
 *
 * const mailer = createMailer({ provider: resend(), defaults: { from: "Shop <shop@example.com>" } });
 * const result = await mailer.send({ to: "ana@example.org", subject: "Hi", text: "Hello" });
 * ```
 * @module
 */
export {
  AnymailAPIError,
  AnymailCancelSend,
  AnymailConfigurationError,
  AnymailError,
  AnymailImproperlyInstalled,
  AnymailInvalidAddress,
  AnymailInvalidWebhookPayload,
  AnymailPartialSend,
  AnymailRecipientsRefused,
  AnymailSerializationError,
  AnymailUnsupportedFeature,
  AnymailWebhookValidationFailure,
  isAnymailError,
} from "./errors.js";
export type {
  AnymailAPIErrorOptions,
  AnymailErrorByCode,
  AnymailErrorCode,
  AnymailErrorOptions,
  APIFailureKind,
  EspResponse,
  FailoverAttempt,
} from "./errors.js";
export type { AddressList, Attachment, EmailMessage, MetadataValue } from "./message.js";
export type { EmailAddress, NormalizedAttachment, PreparedMessage } from "./prepared.js";
export type { RecipientStatus, SendResult, SendStatus } from "./result.js";
export type {
  BatchItemOutcome,
  BatchSupport,
  FeatureQuirk,
  FeatureSupport,
  Logger,
  LogRecord,
  Provider,
  SendContext,
  StandardFeature,
} from "./provider.js";
export type {
  AnymailEvent,
  EventType,
  InboundEvent,
  RejectReason,
  TrackingEvent,
} from "./events.js";
export type {
  ParsedWebhook,
  RawWebhookRequest,
  VerifiedWebhook,
  WebhookKind,
  WebhookProvider,
} from "./webhook-provider.js";

export { ADDRESS_LIMITS, formatAddress, parseAddress, parseAddressList } from "./address.js";
export { inlineImage, normalizeAttachment } from "./attachments.js";
export type { InlineImageOptions } from "./attachments.js";
export { extensionsForMimeType, mimeTypeForFilename } from "./content-types.js";
export { createInboundMessage, decodeInboundText } from "./inbound.js";
export type {
  InboundAttachment,
  InboundHeader,
  InboundMessage,
  InboundMessageFields,
} from "./inbound.js";
export { prepareMessage } from "./prepare.js";
export { splitByRecipients } from "./split.js";
export { isRetryableStatus } from "./retry.js";
export type { RetryOptions } from "./retry.js";
export { featureTable } from "./feature-table.js";
export type { FeatureTableRow } from "./feature-table.js";
export { createMailer } from "./mailer.js";
export type {
  CoalesceOptions,
  Mailer,
  MailerHooks,
  MailerOptions,
  PreSendContext,
  PreSendResult,
  SendBatchOptions,
  SendManyOptions,
  SendManyOutcome,
  SendOptions,
} from "./mailer.js";
export { REDACTED, redactSecrets, redactText } from "./redact.js";
export type { SecretRedaction } from "./redact.js";
export { failover } from "./failover.js";
export type {
  CircuitState,
  FailoverCircuit,
  FailoverOptions,
  FailoverProvider,
} from "./failover.js";
