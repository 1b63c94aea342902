import type { ParsedWebhook, VerifiedWebhook, WebhookKind, WebhookProvider } from "@anymail/core";
import { inboundEvent } from "./inbound.js";
import { type __Name__WebhookOptions, signingSecrets } from "./options.js";
import { jsonObject } from "./payload.js";
import { verifySignature } from "./signature.js";
import { trackingEvent } from "./tracking.js";

/**
 * __Name__'s webhook side for `@anymail/webhooks`: verifies the signature over the raw
 * bytes and parses tracking and inbound deliveries into anymail events. Served at
 * `/anymail/__name__/tracking` and `/anymail/__name__/inbound`.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { __name__Webhooks } from "@anymail/__name__";
 *
 * const anymail = createWebhookHandler({
 *   providers: [__name__Webhooks({ signingSecret: process.env.__NAME___WEBHOOK_SECRET })],
 *   onTracking: async (event) => console.log(event.eventType, event.recipient),
 * });
 * ```
 */
export function __name__Webhooks(options: __Name__WebhookOptions = {}): WebhookProvider {
  const secrets = signingSecrets(options);
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  return {
    name: "__name__",
    kinds: ["tracking", "inbound"],
    // Without a secret the routes are unsigned; @anymail/webhooks then warns unless basic auth is set.
    isSigned: () => secrets.length > 0,
    async verify(_kind: WebhookKind, request): Promise<VerifiedWebhook> {
      if (secrets.length === 0) return {};
      return { deliveryId: await verifySignature(request, secrets, toleranceSeconds) };
    },
    async parse(kind, request, verified): Promise<ParsedWebhook> {
      const payload = jsonObject(request.body);
      if (kind === "tracking")
        return { kind, events: [trackingEvent(payload, verified.deliveryId)] };
      return { kind, events: [inboundEvent(payload, verified.deliveryId)] };
    },
  };
}
