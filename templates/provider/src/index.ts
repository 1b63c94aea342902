/**
 * @anymail/__name__: the __Name__ provider for anymail.
 *
 * @example
 * ```ts
 * import { createMailer } from "@anymail/core";
 * import { __name__ } from "@anymail/__name__";
 *
 * const mailer = createMailer({ provider: __name__(), defaults: { from: "shop@example.com" } });
 * ```
 * @module
 */
export { __name__, __name__Features } from "./__name__-provider.js";
export type { __Name__Options } from "./config.js";
export { __name__Webhooks } from "./webhooks/__name__-webhooks.js";
export type { __Name__WebhookOptions } from "./webhooks/options.js";
export { sign__Name__Webhook } from "./webhooks/signature.js";
