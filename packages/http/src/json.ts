import { AnymailSerializationError } from "@anymail/core";

/**
 * `JSON.stringify` that reports what can't be serialized (BigInt, cycles, a bare
 * function) as `AnymailSerializationError`, naming the field when given.
 *
 * @example
 * ```ts
 * toJson("Example", payload, "metadata"); // '{"…"}'
 * toJson("Example", { n: 1n }); // throws AnymailSerializationError
 * ```
 */
export function toJson(provider: string, value: unknown, field?: string): string {
  const where = field === undefined ? "" : ` (in ${field})`;
  const fieldOption = field === undefined ? {} : { field };
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new AnymailSerializationError(
      `Don't know how to send this data to ${provider}${where}. Try converting it to a string or number first. ${cause instanceof Error ? cause.message : String(cause)}`,
      { provider, cause, ...fieldOption },
    );
  }
  if (json === undefined) {
    throw new AnymailSerializationError(
      `Don't know how to send this data to ${provider}${where}: it has no JSON form`,
      { provider, ...fieldOption },
    );
  }
  return json;
}
