import type { WebhookPersonality } from "../../personalities/personality.js";
import type { EventKind } from "../../types.js";

/** Every neutral event kind, in lifecycle order. */
export const EVENT_KINDS: readonly EventKind[] = [
  "scheduled",
  "sent",
  "delivered",
  "delivery_delayed",
  "bounced",
  "complained",
  "suppressed",
  "opened",
  "clicked",
  "failed",
  "canceled",
  "received",
];

/** The ESP's names for every kind it sends. */
export function eventTypesOf(webhooks: Pick<WebhookPersonality, "eventType">): string[] {
  return EVENT_KINDS.map((kind) => webhooks.eventType(kind)).filter(
    (type): type is string => type !== null,
  );
}
