/**
 * Normalized event types, as in anymail. `inbound_failed` is a tracking event for an
 * inbound message the ESP received but could not hand over (where the ESP reports one).
 *
 * @example
 * ```ts
 * const alarming: EventType[] = ["bounced", "complained", "rejected"];
 * if (alarming.includes(event.eventType)) await alert(event);
 * ```
 */
export type EventType =
  | "queued"
  | "sent"
  | "rejected"
  | "failed"
  | "bounced"
  | "deferred"
  | "delivered"
  | "autoresponded"
  | "opened"
  | "clicked"
  | "complained"
  | "unsubscribed"
  | "subscribed"
  | "inbound"
  | "inbound_failed"
  | "unknown";

/**
 * Why a message was rejected or bounced, normalized.
 *
 * @example
 * ```ts
 * const permanent: RejectReason[] = ["invalid", "blocked", "spam"];
 * if (event.rejectReason && permanent.includes(event.rejectReason)) await suppress(event.recipient);
 * ```
 */
export type RejectReason =
  | "invalid"
  | "bounced"
  | "timed_out"
  | "blocked"
  | "spam"
  | "unsubscribed"
  | "other";

/**
 * A normalized status-tracking event.
 *
 * @example
 * ```ts
 * onTracking: async (event: TrackingEvent) => {
 *   if (event.eventType === "bounced") await suppress(event.recipient, event.rejectReason);
 * };
 * ```
 */
export interface TrackingEvent {
  eventType: Exclude<EventType, "inbound">;
  timestamp: Date;
  /** The delivery id (stable across the ESP's retries); use it to de-duplicate. */
  eventId?: string;
  messageId?: string;
  /** addr-spec. Some ESPs (Resend) don't say which recipient: then the first `to`. */
  recipient?: string;
  rejectReason?: RejectReason;
  description?: string;
  mtaResponse?: string;
  tags: string[];
  metadata: Record<string, unknown>;
  clickUrl?: string;
  userAgent?: string;
  /** The provider's raw parsed payload. */
  espEvent: unknown;
}

export type { InboundAttachment, InboundHeader, InboundMessage } from "./inbound.js";
import type { InboundMessage } from "./inbound.js";

/**
 * A normalized inbound-email event.
 *
 * @example
 * ```ts
 * onInbound: async ({ message }: InboundEvent) => tickets.reply(message.from, message.text);
 * ```
 */
export interface InboundEvent {
  eventType: "inbound";
  timestamp: Date;
  eventId?: string;
  message: InboundMessage;
  espEvent: unknown;
}

/**
 * Any normalized webhook event.
 *
 * @example
 * ```ts
 * function describeEvent(event: AnymailEvent): string {
 *   return event.eventType === "inbound"
 *     ? `mail from ${event.message.from}`
 *     : `${event.eventType} for ${event.recipient}`;
 * }
 * ```
 */
export type AnymailEvent = TrackingEvent | InboundEvent;
