/**
 * @anymail/postmark: the Postmark provider for anymail.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { postmark } from "@anymail/postmark";
 *
 * const mailer = createMailer({ provider: postmark() }); // POSTMARK_SERVER_TOKEN from the environment
 * await mailer.send({ from: "shop@example.com", to: "ana@example.org", subject: "Hi", text: "Hello" });
 * ```
 * @module
 */
export { postmark } from "./postmark-provider.js";
export type { PostmarkProvider } from "./postmark-provider.js";
export { DEFAULT_POSTMARK_API_URL, resolvePostmarkConfig } from "./config.js";
export type { PostmarkOptions, ResolvedPostmarkConfig } from "./config.js";
export {
  POSTMARK_MAX_BATCH_SIZE,
  POSTMARK_MAX_RECIPIENTS,
  POSTMARK_UNSUPPORTED_FEATURES,
  postmarkFeatures,
  postmarkQuirks,
} from "./features.js";
export { planPostmarkRequest } from "./message-converter.js";
export type {
  PostmarkAttachmentPayload,
  PostmarkMessagePayload,
  PostmarkRequestPlan,
} from "./message-converter.js";
export {
  parsePostmarkResponse,
  POSTMARK_INACTIVE_RECIPIENT,
  POSTMARK_INVALID_REQUEST,
} from "./response-classifier.js";
export { VERSION } from "./version.js";
export { postmarkWebhooks } from "./webhooks/postmark-webhooks.js";
export type {
  PostmarkWebhookProvider,
  PostmarkWebhooksOptions,
} from "./webhooks/postmark-webhooks.js";
