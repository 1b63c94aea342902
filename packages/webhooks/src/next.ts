import type { WebhookHandlerOptions } from "./options.js";
import { createWebhookEngine } from "./internal/engine.js";
import { handleWebRequest } from "./internal/web/bridge.js";

/**
 * Options of {@link anymailNext}: the same as `createWebhookHandler`'s.
 *
 * @example
 * ```ts
 * const options: AnymailNextOptions = { providers: [resendWebhooks()], onInbound };
 * ```
 */
export type AnymailNextOptions = WebhookHandlerOptions;

/**
 * App Router route handlers; Next answers 405 itself for methods not exported.
 *
 * @example
 * ```ts
 * export const { POST, HEAD }: AnymailNextHandlers = anymailNext(options);
 * ```
 */
export interface AnymailNextHandlers {
  POST(request: Request): Promise<Response>;
  HEAD(request: Request): Promise<Response>;
}

/**
 * Route handlers for a Next.js App Router catch-all route. Route handlers receive the
 * untouched body, so the signature is checked over the exact bytes.
 *
 * @example
 * ```ts
 * // app/anymail/[...path]/route.ts
 * import { anymailNext } from "@anymail/webhooks/next";
 * import { resendWebhooks } from "@anymail/resend";
 *
 * export const { POST, HEAD } = anymailNext({ providers: [resendWebhooks()], onTracking });
 * export const runtime = "nodejs";
 * ```
 */
export function anymailNext(options: AnymailNextOptions): AnymailNextHandlers {
  const engine = createWebhookEngine(options);
  const handle = (request: Request) => handleWebRequest(engine, request);
  return { POST: handle, HEAD: handle };
}
