import {
  AnymailInvalidWebhookPayload,
  type EventType,
  type RejectReason,
  type TrackingEvent,
} from "@anymail/core";
import { isJsonObject, type JsonObject, optionalString, parsePostmarkDate } from "./payload.js";

type TrackingType = Exclude<EventType, "inbound">;

/** Postmark's RecordType → event type, refined by `Type` for bounces and complaints. */
const RECORD_TYPES: Readonly<Record<string, TrackingType>> = {
  Bounce: "bounced",
  Click: "clicked",
  Delivery: "delivered",
  Open: "opened",
  SpamComplaint: "complained",
  SubscriptionChange: "unsubscribed",
};

/** Postmark's bounce `Type` (and SuppressionReason) → event type and reject reason, as anymail maps them. */
const BOUNCE_TYPES: Readonly<Record<string, readonly [TrackingType, RejectReason?]>> = {
  HardBounce: ["bounced", "bounced"],
  Transient: ["deferred"],
  Unsubscribe: ["unsubscribed", "unsubscribed"],
  Subscribe: ["subscribed"],
  AutoResponder: ["autoresponded"],
  AddressChange: ["autoresponded"],
  DnsError: ["deferred"],
  SpamNotification: ["complained", "spam"],
  OpenRelayTest: ["deferred"],
  Unknown: ["unknown"],
  SoftBounce: ["bounced", "bounced"],
  VirusNotification: ["bounced", "other"],
  ChallengeVerification: ["autoresponded"],
  BadEmailAddress: ["rejected", "invalid"],
  SpamComplaint: ["complained", "spam"],
  ManuallyDeactivated: ["rejected", "blocked"],
  Unconfirmed: ["rejected"],
  Blocked: ["rejected", "blocked"],
  SMTPApiError: ["failed"],
  InboundError: ["inbound_failed"],
  DMARCPolicy: ["rejected", "blocked"],
  TemplateRenderingFailed: ["failed"],
  ManualSuppression: ["unsubscribed", "unsubscribed"],
};

/** Raised when Postmark's inbound webhook points at the tracking URL. */
export function misconfiguredInbound(): AnymailInvalidWebhookPayload {
  return new AnymailInvalidWebhookPayload(
    "You seem to have set Postmark's *inbound* webhook to Anymail's Postmark *tracking* webhook URL.",
    { provider: "Postmark" },
  );
}

function firstString(event: JsonObject, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = optionalString(event[name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * A stable id for one Postmark event, for de-duplicating redeliveries: Postmark sends no
 * delivery id, but a retry repeats the same payload.
 */
export function trackingDeliveryId(event: JsonObject): string | undefined {
  const parts = [
    event.RecordType,
    event.ID,
    event.MessageID,
    firstString(event, ["Email", "Recipient"]),
    firstString(event, ["DeliveredAt", "BouncedAt", "ReceivedAt", "ChangedAt"]),
    event.SuppressSending,
    event.OriginalLink,
  ];
  if (event.RecordType === undefined || event.MessageID === undefined) return undefined;
  return parts.map((part) => (part === undefined || part === null ? "" : String(part))).join("|");
}

/**
 * Normalizes one Postmark tracking payload (Delivery, Bounce, SpamComplaint, Open, Click,
 * SubscriptionChange). Unknown record types become `eventType: "unknown"`.
 */
export function toTrackingEvent(event: JsonObject, receivedAt: Date): TrackingEvent {
  const recordType = optionalString(event.RecordType);
  if (recordType === "Inbound" || (recordType === undefined && "FromFull" in event)) {
    throw misconfiguredInbound();
  }
  let eventType: TrackingType = (recordType && RECORD_TYPES[recordType]) || "unknown";
  let rejectReason: RejectReason | undefined;

  if (eventType === "bounced" || eventType === "complained") {
    const mapped = BOUNCE_TYPES[optionalString(event.Type) ?? ""];
    if (mapped) [eventType, rejectReason] = mapped;
  }
  if (eventType === "unsubscribed") {
    if (event.SuppressSending === false) {
      eventType = "subscribed";
      rejectReason = undefined;
    } else {
      // Postmark doesn't tell an explicit unsubscribe from a bounce except by the reason.
      const mapped = BOUNCE_TYPES[optionalString(event.SuppressionReason) ?? ""];
      if (mapped) [eventType, rejectReason] = mapped;
    }
  }

  const tag = optionalString(event.Tag);
  const metadata = isJsonObject(event.Metadata) ? event.Metadata : {};
  const recipient = firstString(event, ["Email", "Recipient"]);
  const messageId = optionalString(event.MessageID);
  const description = optionalString(event.Description);
  const mtaResponse = optionalString(event.Details);
  const clickUrl = optionalString(event.OriginalLink);
  const userAgent = optionalString(event.UserAgent);
  const id = event.ID;

  return {
    eventType,
    // Some records (e.g. an unsubscribe-type bounce) carry no time: then the time received.
    timestamp:
      parsePostmarkDate(
        firstString(event, ["DeliveredAt", "BouncedAt", "ReceivedAt", "ChangedAt"]),
      ) ?? receivedAt,
    ...(typeof id === "number" || typeof id === "string" ? { eventId: String(id) } : {}),
    ...(messageId === undefined ? {} : { messageId }),
    ...(recipient === undefined ? {} : { recipient }),
    ...(rejectReason === undefined ? {} : { rejectReason }),
    ...(description === undefined ? {} : { description }),
    ...(mtaResponse === undefined ? {} : { mtaResponse }),
    tags: tag === undefined || tag === "" ? [] : [tag],
    metadata: { ...metadata },
    ...(clickUrl === undefined ? {} : { clickUrl }),
    ...(userAgent === undefined ? {} : { userAgent }),
    espEvent: event,
  };
}
