const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const RELATIVE =
  /^in\s+(\d+(?:\.\d+)?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i;
const TOMORROW = /^tomorrow(?:\s+at\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?)?$/i;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Resolves `scheduled_at` to epoch ms: ISO 8601, `now`, `in <n> <unit>` and
 * `tomorrow [at <h>[:mm][am|pm]]` (UTC). Returns null for anything else.
 */
export function parseScheduledAt(value: string, now: number): number | null {
  const text = value.trim();
  if (ISO_8601.test(text)) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? null : parsed;
  }
  if (/^now$/i.test(text)) return now;
  const relative = RELATIVE.exec(text);
  if (relative) {
    const unit = relative[2]!.toLowerCase().startsWith("hr") ? "h" : relative[2]![0]!.toLowerCase();
    return now + Number(relative[1]) * UNIT_MS[unit]!;
  }
  const tomorrow = TOMORROW.exec(text);
  if (tomorrow) {
    const day = new Date(now + UNIT_MS.d!);
    let hour = tomorrow[1] === undefined ? 9 : Number(tomorrow[1]);
    const minute = tomorrow[2] === undefined ? 0 : Number(tomorrow[2]);
    const meridiem = tomorrow[3]?.toLowerCase();
    if (hour > 23 || minute > 59 || (meridiem && (hour < 1 || hour > 12))) return null;
    if (meridiem === "pm" && hour < 12) hour += 12;
    if (meridiem === "am" && hour === 12) hour = 0;
    return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, minute);
  }
  return null;
}
