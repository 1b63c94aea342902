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
export { DEFAULT_RESEND_API_URL } from "./config.js";
export type { ResendOptions } from "./config.js";
export { resendFeatures } from "./quirks.js";
export type { ResendFeatureOptions } from "./quirks.js";
export { VERSION } from "./version.js";
export { resendWebhooks } from "./webhooks/resend-webhooks.js";
export type { ResendWebhooksOptions } from "./webhooks/options.js";
