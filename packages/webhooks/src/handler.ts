import { createWebhookEngine } from "./internal/engine.js";
import { handleWebRequest } from "./internal/web/bridge.js";
import type { WebhookHandlerOptions } from "./options.js";

/**
 * A Web-standard webhook endpoint: one function from `Request` to `Response`.
 *
 * @example
 * ```ts
 * export default { fetch: (request: Request) => anymail.handle(request) }; // Workers, Bun, Deno
 * ```
 */
export interface WebhookHandler {
  /**
   * Routes by the last two path segments (`/resend/tracking`), checks basic auth and the
   * signature, de-duplicates, parses and calls your handler. Answers 200 handled or
   * duplicate, 400 malformed, 401 unauthenticated, 404 unknown route, 405 wrong method,
   * 413 too large, 5xx when a follow-up fetch or your handler fails (the ESP retries).
   */
  handle(request: Request): Promise<Response>;
}

/**
 * Creates the webhook endpoint for one or more providers. Mount it anywhere: only the last
 * two path segments matter. Framework adapters live in `@anymail/webhooks/express`,
 * `/fastify` and `/next`.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { resendWebhooks } from "@anymail/resend";
 *
 * const anymail = createWebhookHandler({
 *   providers: [resendWebhooks()], // RESEND_SIGNING_SECRET / RESEND_INBOUND_SECRET from env
 *   onTracking: async (event) => {
 *     if (event.eventType === "bounced") await suppress(event.recipient);
 *   },
 *   onInbound: async ({ message }) => tickets.create(message.from, message.subject, message.text),
 * });
 * const response = await anymail.handle(request); // POST https://example.com/anymail/resend/tracking
 * ```
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const engine = createWebhookEngine(options);
  return { handle: (request) => handleWebRequest(engine, request) };
}
