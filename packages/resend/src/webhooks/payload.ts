import { AnymailInvalidWebhookPayload } from "@anymail/core";

/** A JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

export function invalidPayload(message: string, cause?: unknown): AnymailInvalidWebhookPayload {
  return new AnymailInvalidWebhookPayload(message, {
    provider: "Resend",
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A Resend webhook envelope: `{ type, created_at, data }`. */
export interface ResendEnvelope {
  type: string;
  createdAt?: string;
  data: JsonObject;
  /** The whole parsed body, handed on as `espEvent`. */
  parsed: JsonObject;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes the exact body bytes as UTF-8 JSON. */
function parseBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch (cause) {
    throw invalidPayload("Resend webhook body is not UTF-8 text", cause);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw invalidPayload("Resend webhook body is not valid JSON", cause);
  }
}

/** Decodes the body's bytes as UTF-8 JSON and checks the envelope's shape. */
export function parseEnvelope(body: Uint8Array): ResendEnvelope {
  const parsed = parseBody(body);
  if (!isJsonObject(parsed)) {
    throw invalidPayload("Resend webhook body is not a JSON object");
  }
  const type = parsed.type;
  if (typeof type !== "string" || type === "") {
    throw invalidPayload('Resend webhook body has no "type" string');
  }
  const data = parsed.data;
  if (!isJsonObject(data)) {
    throw invalidPayload(`Resend ${type} webhook has no "data" object`);
  }
  const createdAt = optionalString(parsed.created_at);
  return { type, data, parsed, ...(createdAt === undefined ? {} : { createdAt }) };
}

/**
 * The event time: the envelope's `created_at`; else the signature timestamp of this
 * delivery (later, but never invented); else now.
 */
export function eventTimestamp(envelope: ResendEnvelope, headers: Headers): Date {
  if (envelope.createdAt !== undefined) {
    const date = new Date(envelope.createdAt);
    if (!Number.isNaN(date.getTime())) return date;
  }
  const signed = headers.get("svix-timestamp") ?? headers.get("webhook-timestamp");
  if (signed !== null && /^\d+$/.test(signed)) return new Date(Number(signed) * 1000);
  return new Date();
}

/** The delivery id, stable across Resend's retries. */
export function deliveryIdOf(headers: Headers): string | undefined {
  return optionalString(headers.get("svix-id") ?? headers.get("webhook-id") ?? undefined);
}
