import {
  AnymailInvalidWebhookPayload,
  type EventType,
  type RejectReason,
  type TrackingEvent,
} from "@anymail/core";
import { isObject, requiredDate, text, textList } from "./payload.js";

// __Name__'s event names → anymail's. Unknown names become "unknown" rather than an error,
// so a new ESP event never makes the ESP retry forever.
const EVENT_TYPES: Readonly<Record<string, Exclude<EventType, "inbound">>> = {
  queued: "queued",
  sent: "sent",
  delivered: "delivered",
  deferred: "deferred",
  bounced: "bounced",
  rejected: "rejected",
  opened: "opened",
  clicked: "clicked",
  complained: "complained",
  unsubscribed: "unsubscribed",
};

const REJECT_REASONS: Readonly<Record<string, RejectReason>> = {
  bounced: "bounced",
  rejected: "blocked",
  complained: "spam",
  unsubscribed: "unsubscribed",
};

/** One __Name__ tracking payload → one normalized event. */
export function trackingEvent(
  payload: Record<string, unknown>,
  deliveryId: string | undefined,
): TrackingEvent {
  const type = text(payload.type);
  if (type === undefined)
    throw new AnymailInvalidWebhookPayload("__Name__ tracking webhook has no type");
  const eventType = Object.hasOwn(EVENT_TYPES, type) ? EVENT_TYPES[type]! : "unknown";
  const metadata = isObject(payload.metadata) ? { ...payload.metadata } : {};
  const event: TrackingEvent = {
    eventType,
    timestamp: requiredDate(payload.created_at, "created_at"),
    tags: textList(payload.tags),
    metadata,
    espEvent: payload,
  };
  const optional = {
    eventId: text(payload.id) ?? deliveryId,
    messageId: text(payload.message_id),
    recipient: text(payload.recipient),
    description: text(payload.reason),
    mtaResponse: text(payload.smtp_response),
    clickUrl: text(payload.url),
    userAgent: text(payload.user_agent),
    rejectReason: Object.hasOwn(REJECT_REASONS, type) ? REJECT_REASONS[type] : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
  }
  return event;
}
