import { AnymailInvalidWebhookPayload, AnymailWebhookValidationFailure } from "../../errors.js";
import type { InboundEvent, RejectReason, TrackingEvent } from "../../events.js";
import {
  createInboundMessage,
  type InboundAttachment,
  type InboundMessageFields,
} from "../../inbound.js";
import type {
  ParsedWebhook,
  RawWebhookRequest,
  VerifiedWebhook,
  WebhookKind,
  WebhookProvider,
} from "../../webhook-provider.js";
import { TRACKING_EVENT_TYPES } from "./event-types.js";

/**
 * Options of {@link createTestWebhookProvider}.
 *
 * @example
 * ```ts
 * const options: TestWebhookProviderOptions = { secret: ["new-key", "old-key"], toleranceSeconds: 60 };
 * ```
 */
export interface TestWebhookProviderOptions {
  /** URL segment. Default `"test"`: served at `/test/tracking` and `/test/inbound`. */
  name?: string;
  /** Kinds served. Default both. */
  kinds?: readonly WebhookKind[];
  /**
   * HMAC-SHA256 key(s) the test ESP signs with; several accept a rotation. Without one the
   * provider is unsigned (like Postmark): `isSigned` is false and only basic auth protects it.
   */
  secret?: string | readonly string[];
  /** Oldest accepted signature timestamp, in seconds. Default 300. */
  toleranceSeconds?: number;
  /**
   * Runs after verification, before parsing: throw here to act like a provider whose
   * follow-up API call fails (an `AnymailAPIError` is answered 502).
   */
  beforeParse?(kind: WebhookKind, request: RawWebhookRequest): void | Promise<void>;
}

/**
 * What {@link TestWebhookProvider.sign} needs besides the body.
 *
 * @example
 * ```ts
 * const signing: TestSignOptions = { deliveryId: "dlv_1", timestamp: new Date(Date.now() - 600_000) };
 * ```
 */
export interface TestSignOptions {
  /** Stable across redeliveries of one event. Default a fresh random id. */
  deliveryId?: string;
  /** When the test ESP signed it. Default now. */
  timestamp?: Date;
  /** Sign with this key instead of the provider's first one (forging, rotation). */
  secret?: string;
}

/**
 * The test webhook provider: a neutral ESP whose deliveries are JSON, signed with
 * HMAC-SHA256 over `<delivery id>.<unix seconds>.<body>` in `x-test-signature: v1=<hex>`.
 *
 * Tracking body: `{ "events": [{ "eventType": "delivered", "timestamp": "<ISO date>",
 * "recipient": "a@example.org", ... }] }` with any {@link TrackingEvent} field but
 * `espEvent`. Inbound body: `{ "messages": [{ "from", "to", "subject", "text", ... }] }`
 * with {@link InboundMessage} fields; attachments carry `contentBase64`.
 *
 * @example
 * ```ts
 * const provider: TestWebhookProvider = createTestWebhookProvider({ secret: "k" });
 * provider.calls.parse; // how many requests were parsed
 * ```
 */
export interface TestWebhookProvider extends WebhookProvider {
  /** The headers the test ESP would send with `body` (content type included). */
  sign(body: string | Uint8Array, options?: TestSignOptions): Promise<Record<string, string>>;
  /** How many times `verify` and `parse` ran. */
  readonly calls: { verify: number; parse: number };
}

const ENCODER = new TextEncoder();
const DELIVERY_ID = "x-test-delivery-id";
const TIMESTAMP = "x-test-timestamp";
const SIGNATURE = "x-test-signature";

const REJECT_REASONS: ReadonlySet<string> = new Set<RejectReason>([
  "invalid",
  "bounced",
  "timed_out",
  "blocked",
  "spam",
  "unsubscribed",
  "other",
]);

function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? ENCODER.encode(body) : body;
}

function hex(bytes: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(bytes)) out += byte.toString(16).padStart(2, "0");
  return out;
}

async function hmacHex(secret: string, id: string, seconds: string, body: Uint8Array) {
  const key = await crypto.subtle.importKey(
    "raw",
    ENCODER.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const prefix = ENCODER.encode(`${id}.${seconds}.`);
  const signed = new Uint8Array(prefix.byteLength + body.byteLength);
  signed.set(prefix, 0);
  signed.set(body, prefix.byteLength);
  return hex(await crypto.subtle.sign("HMAC", key, signed));
}

/** Same-length strings compared without an early exit. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function invalid(message: string): never {
  throw new AnymailInvalidWebhookPayload(`Test webhook: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(item: Record<string, unknown>, key: string): string | undefined {
  const value = item[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") invalid(`${key} must be a string`);
  return value;
}

function stringList(item: Record<string, unknown>, key: string): string[] {
  const value = item[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) {
    invalid(`${key} must be a list of strings`);
  }
  return [...value];
}

function dateOf(value: unknown, key: string): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) invalid(`${key} must be an ISO date`);
  return date;
}

function decodeJson(body: Uint8Array): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    invalid("the body is not valid UTF-8 JSON");
  }
  if (!isRecord(payload)) invalid("the body must be a JSON object");
  return payload;
}

function trackingEvent(item: unknown, fallbackId: string | undefined): TrackingEvent {
  if (!isRecord(item)) invalid("each event must be an object");
  const eventType = item.eventType;
  if (typeof eventType !== "string" || !TRACKING_EVENT_TYPES.has(eventType)) {
    invalid("eventType must be a tracking event type");
  }
  const rejectReason = optionalString(item, "rejectReason");
  if (rejectReason !== undefined && !REJECT_REASONS.has(rejectReason)) {
    invalid("rejectReason is not a known reason");
  }
  const metadata = item.metadata ?? {};
  if (!isRecord(metadata)) invalid("metadata must be an object");
  const event: TrackingEvent = {
    eventType: eventType as TrackingEvent["eventType"],
    timestamp: dateOf(item.timestamp, "timestamp"),
    tags: stringList(item, "tags"),
    metadata: { ...metadata },
    espEvent: item,
  };
  const eventId = optionalString(item, "eventId") ?? fallbackId;
  if (eventId !== undefined) event.eventId = eventId;
  for (const key of [
    "messageId",
    "recipient",
    "description",
    "mtaResponse",
    "clickUrl",
    "userAgent",
  ] as const) {
    const value = optionalString(item, key);
    if (value !== undefined) event[key] = value;
  }
  if (rejectReason !== undefined) event.rejectReason = rejectReason as RejectReason;
  return event;
}

function attachment(item: unknown): InboundAttachment {
  if (!isRecord(item)) invalid("each attachment must be an object");
  const content = optionalString(item, "contentBase64") ?? "";
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(content), (char) => char.charCodeAt(0));
  } catch {
    invalid("contentBase64 is not base64");
  }
  const result: InboundAttachment = {
    contentType: optionalString(item, "contentType") ?? "application/octet-stream",
    content: bytes,
    inline: item.inline === true,
  };
  const filename = optionalString(item, "filename");
  if (filename !== undefined) result.filename = filename;
  const contentId = optionalString(item, "contentId");
  if (contentId !== undefined) result.contentId = contentId;
  return result;
}

function inboundEvent(item: unknown, timestamp: Date, eventId: string | undefined): InboundEvent {
  if (!isRecord(item)) invalid("each message must be an object");
  const from = optionalString(item, "from");
  if (from === undefined) invalid("a message needs from");
  const headers = item.headers ?? [];
  if (
    !Array.isArray(headers) ||
    !headers.every(
      (header) =>
        isRecord(header) && typeof header.name === "string" && typeof header.value === "string",
    )
  ) {
    invalid("headers must be a list of { name, value }");
  }
  const attachments = item.attachments ?? [];
  if (!Array.isArray(attachments)) invalid("attachments must be a list");
  const fields: InboundMessageFields = {
    from,
    to: stringList(item, "to"),
    cc: stringList(item, "cc"),
    bcc: stringList(item, "bcc"),
    replyTo: stringList(item, "replyTo"),
    subject: optionalString(item, "subject") ?? "",
    headers: headers.map((header) => ({ name: header.name, value: header.value })),
    attachments: attachments.map(attachment),
  };
  for (const key of ["text", "html", "envelopeSender", "envelopeRecipient"] as const) {
    const value = optionalString(item, key);
    if (value !== undefined) fields[key] = value;
  }
  if (item.date !== undefined) fields.date = dateOf(item.date, "date");
  const message = createInboundMessage(fields);
  const event: InboundEvent = { eventType: "inbound", timestamp, message, espEvent: item };
  if (eventId !== undefined) event.eventId = eventId;
  return event;
}

/**
 * A neutral {@link WebhookProvider} for testing webhook handling without any ESP: it signs
 * and verifies like a real one (HMAC over the exact bytes, a delivery id, a timestamp
 * window), and parses a plain JSON format into normalized events. Framework-free.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { createTestWebhookProvider } from "@anymail/core/testing";
 *
 * const provider = createTestWebhookProvider({ secret: "test-key" });
 * const anymail = createWebhookHandler({ providers: [provider], onTracking: (e) => seen.push(e) });
 * const body = JSON.stringify({ events: [{ eventType: "delivered", timestamp: new Date().toISOString() }] });
 * await anymail.handle(new Request("https://app.test/anymail/test/tracking", {
 *   method: "POST", body, headers: await provider.sign(body),
 * }));
 * ```
 */
export function createTestWebhookProvider(
  options: TestWebhookProviderOptions = {},
): TestWebhookProvider {
  const name = options.name ?? "test";
  const kinds = [...(options.kinds ?? ["tracking", "inbound"])] as const;
  const secrets =
    typeof options.secret === "string" ? [options.secret] : [...(options.secret ?? [])];
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const calls = { verify: 0, parse: 0 };
  const refuse = (why: string): never => {
    throw new AnymailWebhookValidationFailure(`Test webhook: ${why}`);
  };

  return {
    name,
    kinds,
    calls,
    isSigned: () => secrets.length > 0,

    async sign(body, signOptions = {}) {
      const deliveryId = signOptions.deliveryId ?? `dlv_${crypto.randomUUID()}`;
      const at = signOptions.timestamp ?? new Date();
      const seconds = String(Math.floor(at.getTime() / 1000));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        [DELIVERY_ID]: deliveryId,
        [TIMESTAMP]: seconds,
      };
      const secret = signOptions.secret ?? secrets[0];
      if (secret !== undefined) {
        headers[SIGNATURE] = `v1=${await hmacHex(secret, deliveryId, seconds, bytesOf(body))}`;
      }
      return headers;
    },

    async verify(kind, request): Promise<VerifiedWebhook> {
      calls.verify++;
      const deliveryId = request.headers.get(DELIVERY_ID) ?? undefined;
      if (secrets.length === 0) return deliveryId === undefined ? {} : { deliveryId };
      const seconds = request.headers.get(TIMESTAMP);
      const signature = request.headers.get(SIGNATURE);
      if (deliveryId === undefined || seconds === null || signature === null) {
        return refuse(`a ${kind} delivery is missing its signature headers`);
      }
      if (!/^\d{1,12}$/.test(seconds)) return refuse("the timestamp is not a number");
      const age = Math.abs(Date.now() / 1000 - Number(seconds));
      if (age > toleranceSeconds) return refuse("the timestamp is outside the tolerance window");
      const given = signature.startsWith("v1=") ? signature.slice(3) : "";
      let matched = false;
      for (const secret of secrets) {
        const expected = await hmacHex(secret, deliveryId, seconds, request.body);
        matched = sameText(expected, given) || matched;
      }
      if (!matched) return refuse("the signature does not match");
      return { deliveryId };
    },

    async parse(kind, request, verified): Promise<ParsedWebhook> {
      calls.parse++;
      await options.beforeParse?.(kind, request);
      const payload = decodeJson(request.body);
      if (kind === "tracking") {
        if (!Array.isArray(payload.events)) invalid("a tracking body needs an events list");
        const single = payload.events.length === 1 ? verified.deliveryId : undefined;
        return {
          kind,
          events: payload.events.map((item: unknown) => trackingEvent(item, single)),
        };
      }
      if (!Array.isArray(payload.messages)) invalid("an inbound body needs a messages list");
      const timestamp =
        payload.timestamp === undefined ? new Date() : dateOf(payload.timestamp, "timestamp");
      return {
        kind,
        events: payload.messages.map((item: unknown) =>
          inboundEvent(item, timestamp, verified.deliveryId),
        ),
      };
    },
  };
}
