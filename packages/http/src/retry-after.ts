/**
 * A `Retry-After` header as milliseconds to wait: delta-seconds (`"120"`, also `"1.5"`)
 * or an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`, 0 when already past). Undefined
 * when absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter("2"); // 2000
 * parseRetryAfter(new Date(Date.now() + 5_000).toUTCString()); // about 5000
 * parseRetryAfter("soon"); // undefined
 * ```
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // HTTP dates (IMF-fixdate, RFC 850, asctime) all start with the day name; Date.parse
  // alone would also read partial strings such as "12 May".
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
