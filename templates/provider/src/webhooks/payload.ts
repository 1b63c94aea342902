import { AnymailInvalidWebhookPayload } from "@anymail/core";

/** A JSON object from the request body, or AnymailInvalidWebhookPayload (answered 400). */
export function jsonObject(body: Uint8Array): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new AnymailInvalidWebhookPayload("__Name__ webhook body is not valid JSON");
  }
  if (!isObject(payload)) {
    throw new AnymailInvalidWebhookPayload("__Name__ webhook body is not a JSON object");
  }
  return payload;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function textList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

/** An ISO date the payload must carry. */
export function requiredDate(value: unknown, field: string): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new AnymailInvalidWebhookPayload(`__Name__ webhook ${field} is not a date`);
  }
  return date;
}
