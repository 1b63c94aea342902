/**
 * @anymail/webhooks: one Web-standard endpoint (`Request` → `Response`) for every anymail
 * provider's tracking and inbound webhooks. Adapters: `@anymail/webhooks/express`,
 * `@anymail/webhooks/fastify`, `@anymail/webhooks/next`.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { resendWebhooks } from "@anymail/resend";
 *
 * const anymail = createWebhookHandler({
 *   providers: [resendWebhooks()],
 *   onTracking: async (event) => console.log(event.eventType, event.recipient),
 * });
 * export default { fetch: (request: Request) => anymail.handle(request) };
 * ```
 * @module
 */
export { createWebhookHandler } from "./handler.js";
export type { WebhookHandler } from "./handler.js";
export type { WebhookEventContext, WebhookHandlerOptions } from "./options.js";
export { createMemoryReplayStore } from "./replay-store.js";
export type { MemoryReplayStoreOptions, ReplayStore } from "./replay-store.js";
export type {
  InboundAttachment,
  InboundEvent,
  InboundMessage,
  TrackingEvent,
  WebhookProvider,
} from "@anymail/core";
