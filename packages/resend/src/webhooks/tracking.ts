import type { EventType, RejectReason, TrackingEvent } from "@anymail/core";
import { addrSpecOf } from "./address.js";
import {
  deliveryIdOf,
  eventTimestamp,
  invalidPayload,
  isJsonObject,
  type JsonObject,
  optionalString,
  type ResendEnvelope,
  stringList,
} from "./payload.js";

type TrackingType = TrackingEvent["eventType"];

const EVENT_TYPES: Readonly<Record<string, TrackingType>> = {
  "email.sent": "sent",
  "email.delivered": "delivered",
  "email.delivery_delayed": "deferred",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.opened": "opened",
  "email.clicked": "clicked",
  "email.failed": "failed",
  "email.suppressed": "rejected",
  "email.scheduled": "queued",
} satisfies Record<string, Exclude<EventType, "inbound">>;

/** The nested object `data[key]`: absent is fine, anything but an object is malformed. */
function nestedObject(envelope: ResendEnvelope, key: string): JsonObject | undefined {
  if (!(key in envelope.data)) return undefined;
  const value = envelope.data[key];
  if (!isJsonObject(value)) {
    throw invalidPayload(`Resend ${envelope.type} webhook has a data.${key} that isn't an object`);
  }
  return value;
}

/** anymail's rule: the bounce text says whether Resend suppressed or the receiver bounced. */
function bounceRejectReason(message: string): RejectReason {
  const lower = message.toLowerCase();
  if (lower.includes("suppressed sending")) return "blocked";
  if (lower.includes("bounce message")) return "bounced";
  return "other";
}

/** Tags and metadata travel as the `X-Tags` / `X-Metadata` JSON headers of the sent message. */
function tagsAndMetadata(data: JsonObject): { tags: string[]; metadata: Record<string, unknown> } {
  let tags: string[] = [];
  let metadata: Record<string, unknown> = {};
  const headers = Array.isArray(data.headers) ? data.headers : [];
  for (const header of headers) {
    if (!isJsonObject(header) || typeof header.name !== "string") continue;
    if (typeof header.value !== "string") continue;
    const name = header.name.toLowerCase();
    if (name !== "x-tags" && name !== "x-metadata") continue;
    let decoded: unknown;
    try {
      decoded = JSON.parse(header.value);
    } catch {
      // Someone else's X-Tags header: not ours to interpret, the raw value stays in espEvent.
      continue;
    }
    if (name === "x-tags" && Array.isArray(decoded)) tags = stringList(decoded);
    if (name === "x-metadata" && isJsonObject(decoded)) metadata = decoded;
  }
  return { tags, metadata };
}

/**
 * Normalizes one Resend tracking payload. Non-email events (`contact.*`, `domain.*`) and
 * types added later arrive as `unknown`, with the payload in `espEvent`.
 */
export function toTrackingEvent(envelope: ResendEnvelope, headers: Headers): TrackingEvent {
  const { data } = envelope;
  const bounce = nestedObject(envelope, "bounce");
  const click = nestedObject(envelope, "click");
  const failed = nestedObject(envelope, "failed");
  const suppressed = nestedObject(envelope, "suppressed");

  const eventType = EVENT_TYPES[envelope.type] ?? "unknown";
  const event: TrackingEvent = {
    eventType,
    timestamp: eventTimestamp(envelope, headers),
    ...tagsAndMetadata(data),
    espEvent: envelope.parsed,
  };

  const eventId = deliveryIdOf(headers);
  if (eventId !== undefined) event.eventId = eventId;
  const messageId = optionalString(data.email_id);
  if (messageId !== undefined) event.messageId = messageId;
  const firstTo = stringList(data.to)[0];
  const recipient = firstTo === undefined ? undefined : addrSpecOf(firstTo);
  if (recipient !== undefined) event.recipient = recipient;

  const bounceMessage = optionalString(bounce?.message);
  if (bounceMessage !== undefined) {
    event.description = bounceMessage;
    event.rejectReason = bounceRejectReason(bounceMessage);
  }
  const diagnostics = stringList(bounce?.diagnosticCode ?? suppressed?.diagnosticCode);
  if (diagnostics.length > 0) event.mtaResponse = diagnostics.join("\n");

  if (eventType === "failed") {
    const reason = optionalString(failed?.reason);
    if (reason !== undefined) event.description = reason;
  }
  if (eventType === "rejected") {
    event.rejectReason = "blocked";
    const why = optionalString(suppressed?.message) ?? optionalString(suppressed?.reason);
    if (why !== undefined) event.description = why;
  }

  const clickUrl = optionalString(click?.link);
  if (clickUrl !== undefined) event.clickUrl = clickUrl;
  const userAgent = optionalString(click?.userAgent);
  if (userAgent !== undefined) event.userAgent = userAgent;

  return event;
}
