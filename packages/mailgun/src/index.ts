/**
 * @anymail/mailgun: the Mailgun provider for anymail.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { mailgun } from "@anymail/mailgun";
 *
 * const mailer = createMailer({ provider: mailgun() }); // MAILGUN_API_KEY from the environment
 * await mailer.send({ from: "shop@mg.example.com", to: "ana@example.org", subject: "Hi", text: "Hello" });
 * ```
 * @module
 */
export { mailgun } from "./mailgun-provider.js";
export type { MailgunProvider } from "./mailgun-provider.js";
export { MAILGUN_EU_API_URL, MAILGUN_US_API_URL, resolveMailgunConfig } from "./config.js";
export type { MailgunOptions, ResolvedMailgunConfig } from "./config.js";
export {
  MAILGUN_MAX_RECIPIENTS,
  mailgunFeatures,
  mailgunQuirks,
} from "./features.js";
export type { MailgunFeatureOptions } from "./features.js";
export { planMailgunRequest } from "./message-converter.js";
export type {
  MailgunFieldEntry,
  MailgunFileEntry,
  MailgunFormEntry,
  MailgunPlanOptions,
  MailgunSendRequest,
} from "./message-converter.js";
export { VERSION } from "./version.js";
export { mailgunWebhooks } from "./webhooks/mailgun-webhooks.js";
export type { MailgunWebhooksOptions } from "./webhooks/options.js";
export { signMailgunWebhook } from "./webhooks/signature.js";
