/**
 * @anymail/resend: the Resend provider for anymail.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { resend } from "@anymail/resend";
 *
 * const mailer = createMailer({ provider: resend() }); // RESEND_API_KEY from the environment
 * await mailer.send({ from: "shop@example.com", to: "ana@example.org", subject: "Hi", text: "Hello" });
 * ```
 * @module
 */
export { resend } from "./resend-provider.js";
export type { ResendProvider } from "./resend-provider.js";
export { DEFAULT_RESEND_API_URL, resolveResendConfig } from "./config.js";
export type { ResendOptions, ResolvedResendConfig } from "./config.js";
export {
  RESEND_MAX_BATCH_SIZE,
  RESEND_MAX_TO_RECIPIENTS,
  RESEND_UNSUPPORTED_FEATURES,
  resendFeatures,
  resendFeatureTable,
  resendQuirks,
} from "./quirks.js";
export type { ResendFeatureOptions } from "./quirks.js";
export { planResendRequests } from "./message-converter.js";
export type { ResendAttachmentPayload, ResendEmailPayload } from "./message-converter.js";
export { VERSION } from "./version.js";
export { resendWebhooks } from "./webhooks/resend-webhooks.js";
export type { ResendWebhooksOptions } from "./webhooks/options.js";
