import type {
  InboundEvent,
  Logger,
  TrackingEvent,
  WebhookKind,
  WebhookProvider,
} from "@anymail/core";
import type { ReplayStore } from "./replay-store.js";

/**
 * What a handler learns about the delivery besides the event.
 *
 * @example
 * ```ts
 * onTracking: async (event, { provider, request }) => log.info(provider, request.headers.get("user-agent")),
 * ```
 */
export interface WebhookEventContext {
  /** The provider's URL name, e.g. `"resend"`. */
  provider: string;
  kind: WebhookKind;
  /**
   * The incoming request. With `handle()` it is the `Request` you passed (its body already
   * read); the Express and Fastify adapters build it on first access, carrying the same
   * headers and body bytes, so deliveries that never read it never pay for it.
   */
  request: Request;
}

/**
 * Options of {@link createWebhookHandler}.
 *
 * @example
 * ```ts
 * const options: WebhookHandlerOptions = {
 *   providers: [resendWebhooks()],
 *   basicAuth: ["anymail:new-secret", "anymail:old-secret"],
 *   onTracking: async (event) => db.events.insert(event),
 * };
 * ```
 */
export interface WebhookHandlerOptions {
  /** The ESPs served; each answers `/<provider.name>/tracking` and `/<provider.name>/inbound`. */
  providers: readonly WebhookProvider[];
  /** `"user:password"`, or several during rotation; else `ANYMAIL_WEBHOOK_SECRET` (comma-separated for several). Compared in constant time. */
  basicAuth?: string | readonly string[];
  /** Called for each tracking event; throwing answers 500 so the ESP retries. Without it `/tracking` answers 404. */
  onTracking?: (event: TrackingEvent, context: WebhookEventContext) => void | Promise<void>;
  /** Called for each inbound email; throwing answers 500 so the ESP retries. Without it `/inbound` answers 404. */
  onInbound?: (event: InboundEvent, context: WebhookEventContext) => void | Promise<void>;
  /** Largest accepted body, counted while reading; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Delivery-id de-duplication; default an in-memory store, `false` turns it off. */
  replayStore?: ReplayStore | false;
  /** Receives warnings (insecure setup) and errors (handler failures). Default: `console`. */
  logger?: Logger;
  /** Gives up reading a body that trickles in longer than this (408). Default 30 000 ms. */
  bodyTimeoutMs?: number;
}
