import { AnymailSerializationError } from "../errors.js";
import { describeType } from "./objects.js";

/**
 * A Date becomes ISO 8601 in UTC with an explicit `+00:00` offset (never `Z`), with
 * milliseconds only when they are non-zero (anymail e.2). A string passes through.
 */
export function formatSendAt(value: Date | string): string {
  if (typeof value === "string") return value;
  if (!(value instanceof Date)) {
    throw new AnymailSerializationError(
      `\`sendAt\` must be a Date or a string, got ${describeType(value)}`,
      { field: "sendAt" },
    );
  }
  if (Number.isNaN(value.getTime())) {
    throw new AnymailSerializationError("`sendAt` is an invalid Date", { field: "sendAt" });
  }
  const iso = value.toISOString();
  const withoutZ = iso.endsWith(".000Z") ? iso.slice(0, -5) : iso.slice(0, -1);
  return `${withoutZ}+00:00`;
}
