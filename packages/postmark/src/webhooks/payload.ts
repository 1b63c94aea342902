import { AnymailInvalidWebhookPayload } from "@anymail/core";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const optionalString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The body as one JSON object, else AnymailInvalidWebhookPayload (answered 400). */
export function parseJsonObject(body: Uint8Array): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw new AnymailInvalidWebhookPayload("Postmark webhook body is not JSON", {
      provider: "Postmark",
      cause,
    });
  }
  if (!isJsonObject(parsed)) {
    throw new AnymailInvalidWebhookPayload("Postmark webhook body is not a JSON object", {
      provider: "Postmark",
    });
  }
  return parsed;
}

/**
 * Postmark's timestamps carry up to 7 fractional digits (`…50.3963933-04:00`) or none and
 * no zone (`2022-06-05T17:17:32`, meaning UTC); JavaScript wants at most milliseconds.
 */
export function parsePostmarkDate(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    value.trim(),
  );
  if (match === null) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const fraction = (match[2] ?? "").slice(0, 3).padEnd(3, "0");
  const date = new Date(`${match[1]}.${fraction}${match[3] ?? "Z"}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
