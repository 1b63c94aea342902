import { AnymailSerializationError } from "@anymail/core";

/** JSON.stringify that reports unserializable values (BigInt, cycles) as AnymailSerializationError. */
export function toJson(value: unknown, field?: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new AnymailSerializationError(
      `Don't know how to send this data to Resend${field === undefined ? "" : ` (in ${field})`}. Try converting it to a string or number first. ${cause instanceof Error ? cause.message : String(cause)}`,
      { provider: "Resend", cause, ...(field === undefined ? {} : { field }) },
    );
  }
  if (json === undefined) {
    throw new AnymailSerializationError(
      `Don't know how to send this data to Resend${field === undefined ? "" : ` (in ${field})`}: it has no JSON form`,
      { provider: "Resend", ...(field === undefined ? {} : { field }) },
    );
  }
  return json;
}
