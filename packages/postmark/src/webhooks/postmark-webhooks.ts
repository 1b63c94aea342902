import type {
  Logger,
  ParsedWebhook,
  RawWebhookRequest,
  VerifiedWebhook,
  WebhookKind,
  WebhookProvider,
} from "@anymail/core";
import { toInboundEvent } from "./inbound.js";
import { isJsonObject, optionalString, parseJsonObject } from "./payload.js";
import { toTrackingEvent, trackingDeliveryId } from "./tracking.js";

/**
 * Options of {@link postmarkWebhooks}.
 *
 * @example
 * ```ts
 * const options: PostmarkWebhooksOptions = {}; // basic auth comes from createWebhookHandler
 * ```
 */
export interface PostmarkWebhooksOptions {
  /**
   * Postmark signs nothing, so `createWebhookHandler` refuses to be built without
   * `basicAuth`. `true` accepts unauthenticated posts instead (anyone can forge events):
   * only for local development. A warning is logged when the provider is built.
   */
  allowUnauthenticated?: boolean;
  /** Receives the warning about `allowUnauthenticated`. Default: `console.warn`. */
  logger?: Logger;
}

/**
 * The Postmark webhook provider: tracking events on `/postmark/tracking`, inbound mail on
 * `/postmark/inbound`.
 *
 * @example
 * ```ts
 * const provider: PostmarkWebhookProvider = postmarkWebhooks();
 * provider.requiresBasicAuth; // true
 * ```
 */
export interface PostmarkWebhookProvider extends WebhookProvider {
  readonly name: "postmark";
  readonly requiresBasicAuth: boolean;
}

const KINDS: readonly WebhookKind[] = ["tracking", "inbound"];

/**
 * Postmark's webhook side for `createWebhookHandler`. Postmark authenticates webhooks only
 * with basic auth in the URL you give it (`https://user:pass@example.com/anymail/postmark/tracking`),
 * so the handler must have `basicAuth` (or `ANYMAIL_WEBHOOK_SECRET`).
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { postmarkWebhooks } from "@anymail/postmark";
 *
 * const anymail = createWebhookHandler({
 *   providers: [postmarkWebhooks()],
 *   basicAuth: process.env.ANYMAIL_WEBHOOK_SECRET, // "user:password", also in Postmark's webhook URL
 *   onTracking: async (event) => { if (event.eventType === "bounced") await suppress(event.recipient); },
 *   onInbound: async ({ message }) => tickets.create(message.from, message.subject, message.text),
 * });
 * ```
 */
export function postmarkWebhooks(options: PostmarkWebhooksOptions = {}): PostmarkWebhookProvider {
  const allowUnauthenticated = options.allowUnauthenticated === true;
  if (allowUnauthenticated) {
    const message =
      "INSECURE: postmarkWebhooks({ allowUnauthenticated: true }) — without basicAuth anyone who finds the URL can post fake Postmark events and inbound mail. Use it only for local development.";
    if (options.logger) options.logger({ level: "warn", message, provider: "Postmark" });
    else console.warn(`[anymail] ${message}`);
  }

  return {
    name: "postmark",
    kinds: KINDS,
    requiresBasicAuth: !allowUnauthenticated,
    isSigned: () => false,

    async verify(kind: WebhookKind, request: RawWebhookRequest): Promise<VerifiedWebhook> {
      // Basic auth was checked by the handler. A malformed body is parse()'s to refuse (400).
      let payload: unknown;
      try {
        payload = JSON.parse(new TextDecoder().decode(request.body));
      } catch {
        return {};
      }
      if (!isJsonObject(payload)) return {};
      const deliveryId =
        kind === "inbound" ? optionalString(payload.MessageID) : trackingDeliveryId(payload);
      return deliveryId === undefined ? {} : { deliveryId };
    },

    async parse(kind: WebhookKind, request: RawWebhookRequest): Promise<ParsedWebhook> {
      const payload = parseJsonObject(request.body);
      const receivedAt = new Date();
      if (kind === "tracking") {
        return { kind: "tracking", events: [toTrackingEvent(payload, receivedAt)] };
      }
      return { kind: "inbound", events: [await toInboundEvent(payload, receivedAt)] };
    },
  };
}
