import {
  AnymailInvalidWebhookPayload,
  parseAddress,
  type RejectReason,
  type TrackingEvent,
} from "@anymail/core";
import type { FormFields } from "./body.js";

type TrackingType = TrackingEvent["eventType"];
type Json = Record<string, unknown>;

const EVENT_TYPES: Readonly<Record<string, TrackingType>> = {
  accepted: "queued",
  rejected: "rejected",
  delivered: "delivered",
  failed: "bounced",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  complained: "complained",
};

// event-data.reason values seen in Mailgun's examples; anything else is "other".
const REJECT_REASONS: Readonly<Record<string, RejectReason>> = {
  bounce: "bounced",
  "suppress-bounce": "bounced",
  generic: "other",
};

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function bracketed(messageId: string | undefined): string | undefined {
  if (messageId === undefined || messageId === "") return undefined;
  return messageId.startsWith("<") ? messageId : `<${messageId}>`;
}

function dateFromSeconds(value: unknown): Date | undefined {
  const seconds =
    typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  if (!Number.isFinite(seconds)) return undefined;
  return new Date(Math.round(seconds * 1000));
}

function assign<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

/** A current (June 2018+) JSON webhook: `{ signature, "event-data" }`, mapped as anymail does. */
export function trackingEventFromJson(payload: Json): TrackingEvent {
  const data = payload["event-data"];
  if (!isJson(data) || typeof data.event !== "string") {
    throw new AnymailInvalidWebhookPayload("Mailgun webhook has no event-data.event");
  }
  let eventType: TrackingType = EVENT_TYPES[data.event] ?? "unknown";
  if (eventType === "bounced" && data.severity === "temporary") eventType = "deferred";

  const signature = isJson(payload.signature) ? payload.signature : {};
  const message = isJson(data.message) ? data.message : {};
  const headers = isJson(message.headers) ? message.headers : {};
  const status = isJson(data["delivery-status"]) ? data["delivery-status"] : undefined;
  let description = str(status?.description);
  const mtaResponse = str(status?.message);
  let rejectReason: RejectReason | undefined =
    "reason" in data ? (REJECT_REASONS[String(data.reason)] ?? "other") : undefined;
  let recipient = str(data.recipient);

  if (eventType === "rejected") {
    const reject = isJson(data.reject) ? data.reject : {};
    description = description || str(reject.reason);
    rejectReason ??= "other";
    if (!recipient) {
      const to = str(headers.to);
      try {
        if (to !== undefined) recipient = parseAddress(to, "to").addrSpec;
      } catch {
        // An unparsable To header just leaves the recipient unknown.
      }
    }
  }
  const clientInfo = isJson(data["client-info"]) ? data["client-info"] : {};
  const timestamp =
    dateFromSeconds(data.timestamp) ?? dateFromSeconds(signature.timestamp) ?? new Date(0);

  return assign<TrackingEvent>(
    {
      eventType,
      timestamp,
      tags: Array.isArray(data.tags)
        ? data.tags.filter((t): t is string => typeof t === "string")
        : [],
      metadata: isJson(data["user-variables"]) ? { ...data["user-variables"] } : {},
      espEvent: payload,
    },
    {
      // The token, not event-data.id: Mailgun only promises the id is unique for a day.
      eventId: str(signature.token),
      messageId: bracketed(str(headers["message-id"])),
      recipient,
      rejectReason,
      description,
      mtaResponse,
      clickUrl: str(data.url),
      userAgent: str(clientInfo["user-agent"]),
    },
  );
}

const LEGACY_EVENT_TYPES: Readonly<Record<string, TrackingType>> = {
  delivered: "delivered",
  dropped: "rejected",
  bounced: "bounced",
  complained: "complained",
  unsubscribed: "unsubscribed",
  opened: "opened",
  clicked: "clicked",
};

// SMTP (and Mailgun's own 6xx) codes whose reason isn't simply "bounced".
const LEGACY_REJECT_REASONS: Readonly<Record<number, RejectReason>> = {
  499: "timed_out",
  605: "bounced",
  607: "spam",
};

const COMMON_LEGACY_FIELDS = new Set([
  "event",
  "recipient",
  "domain",
  "ip",
  "country",
  "region",
  "city",
  "user-agent",
  "device-type",
  "client-type",
  "client-name",
  "client-os",
  "campaign-id",
  "campaign-name",
  "tag",
  "mailing-list",
  "timestamp",
  "token",
  "signature",
  "body-plain",
  "h",
  "message-id",
]);
const KNOWN_LEGACY_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  clicked: new Set([...COMMON_LEGACY_FIELDS, "url"]),
  opened: COMMON_LEGACY_FIELDS,
  unsubscribed: COMMON_LEGACY_FIELDS,
};
// For these, Mailgun puts its own value after a same-named user variable.
const SIGNATURE_FIELDS = new Set(["signature", "timestamp", "token"]);

function legacyRejectReason(code: string | undefined): RejectReason | undefined {
  if (code === undefined) return undefined;
  if (/^\s*-?\d+\s*$/.test(code)) {
    const status = Number(code);
    return LEGACY_REJECT_REASONS[status] ?? (status >= 400 && status < 600 ? "bounced" : "other");
  }
  // An RFC 3463 enhanced status code: class.subject.detail
  const statusClass = code.split(".")[0];
  return statusClass === "4" || statusClass === "5" ? "bounced" : "other";
}

function legacyMetadata(form: FormFields): Record<string, unknown> {
  const headersJson = form.last("message-headers");
  if (headersJson !== undefined) {
    // Where the original headers come along, X-Mailgun-Variables is the reliable source.
    let headers: unknown;
    try {
      headers = JSON.parse(headersJson);
    } catch (cause) {
      throw new AnymailInvalidWebhookPayload("Mailgun message-headers is not JSON", { cause });
    }
    const metadata: Record<string, unknown> = {};
    if (!Array.isArray(headers)) return metadata;
    for (const header of headers) {
      if (!Array.isArray(header) || header[0] !== "X-Mailgun-Variables") continue;
      try {
        const variables: unknown = JSON.parse(String(header[1]));
        if (isJson(variables)) Object.assign(metadata, variables);
      } catch {
        // Not JSON: Mailgun wouldn't have accepted it as variables; ignore it.
      }
    }
    return metadata;
  }
  const known = KNOWN_LEGACY_FIELDS[form.first("event") ?? ""];
  if (known === undefined) return {};
  // Mailgun merges user variables into the POST fields: unknown fields are variables; a
  // known field that repeats holds Mailgun's value and a variable's.
  const metadata: Record<string, unknown> = {};
  const names = [...new Set(form.entries.map(([name]) => name))];
  for (const name of names) {
    const values = form.all(name);
    if (!known.has(name)) metadata[name] = values.at(-1);
    else if (name === "tag" || values.length < 2) continue;
    else metadata[name] = SIGNATURE_FIELDS.has(name) ? values[0] : values.at(-1);
  }
  return metadata;
}

/** A legacy (pre-June 2018) form-encoded tracking webhook, mapped as anymail does. */
export function trackingEventFromLegacyForm(form: FormFields, espEvent: unknown): TrackingEvent {
  if (!form.has("event") && form.has("sender")) {
    throw new AnymailInvalidWebhookPayload(
      "You seem to have set Mailgun's *inbound* route to Anymail's Mailgun *tracking* webhook URL.",
    );
  }
  const event = form.first("event");
  const timestamp = dateFromSeconds(form.last("timestamp"));
  if (timestamp === undefined) {
    throw new AnymailInvalidWebhookPayload("Mailgun legacy webhook has no usable timestamp");
  }
  const tags = form.all("tag");
  return assign<TrackingEvent>(
    {
      eventType: (event === undefined ? undefined : LEGACY_EVENT_TYPES[event]) ?? "unknown",
      timestamp,
      tags: tags.length > 0 ? tags : form.all("X-Mailgun-Tag"),
      metadata: legacyMetadata(form),
      espEvent,
    },
    {
      eventId: form.last("token"),
      messageId: bracketed(form.first("Message-Id") || form.first("message-id")),
      recipient: form.first("recipient"),
      rejectReason: legacyRejectReason(form.first("code")),
      description: form.first("description"),
      mtaResponse: form.first("error") || form.first("notification"),
      clickUrl: form.first("url"),
      userAgent: form.first("user-agent"),
    },
  );
}

/** The legacy form as a plain object for `espEvent`: one value, or a list when repeated. */
export function formToObject(form: FormFields): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [name, value] of form.entries) {
    const existing = object[name];
    if (existing === undefined) object[name] = value;
    else object[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return object;
}
