import type { EventType } from "../../events.js";

/** Every tracking `eventType` (all but `"inbound"`): what the test provider parses and the suite accepts. */
export const TRACKING_EVENT_TYPES: ReadonlySet<string> = new Set<Exclude<EventType, "inbound">>([
  "queued",
  "sent",
  "rejected",
  "failed",
  "bounced",
  "deferred",
  "delivered",
  "autoresponded",
  "opened",
  "clicked",
  "complained",
  "unsubscribed",
  "subscribed",
  "unknown",
]);
