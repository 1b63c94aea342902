/**
 * Replaces a secret in logs.
 *
 * @example
 * ```ts
 * redactSecrets({ apiKey: "re_123456789" }).apiKey === REDACTED; // true: "[REDACTED]"
 * ```
 */
export const REDACTED = "[REDACTED]";

const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|apikey|password|secret|token|access[-_]?token|signing[-_]?secret|inbound[-_]?secret|webhook[-_]?secret|basic[-_]?auth)$/i;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // Resend API keys and svix webhook secrets, wherever they appear in text.
  [/\bre_[A-Za-z0-9_]{6,}/g, `re_${REDACTED}`],
  [/\bwhsec_[A-Za-z0-9+/=_-]+/g, `whsec_${REDACTED}`],
  // Authorization header values that made it into a message.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // user:password@ in URLs.
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
];

/**
 * Returns a copy of `value` with secrets masked: values under keys such as
 * `Authorization`, `apiKey`/`api_key`, `password`, and, inside any string, Resend keys
 * (`re_…`), svix secrets (`whsec_…`), Bearer/Basic credentials and `user:pass@` in URLs.
 * Errors become plain objects; cycles become `"[Circular]"`.
 *
 * @example
 * ```ts
 * redactSecrets({ headers: { Authorization: "Bearer re_123456789" } });
 * // { headers: { Authorization: "[REDACTED]" } }
 * ```
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

/** Masks secrets inside one string. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS)
    result = result.replace(pattern, replacement);
  return result;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  if (value instanceof Headers) return redactEntries([...value.entries()], seen);
  if (value instanceof Map)
    return redactEntries(
      [...value.entries()].map(([k, v]) => [String(k), v]),
      seen,
    );
  if (value instanceof Set) return [...value].map((item) => redactValue(item, seen));
  if (value instanceof Error) {
    const plain: [string, unknown][] = [
      ["name", value.name],
      ["message", value.message],
      ...Object.entries(value),
    ];
    if (value.cause !== undefined) plain.push(["cause", value.cause]);
    return redactEntries(plain, seen);
  }
  return redactEntries(Object.entries(value), seen);
}

function redactEntries(
  entries: [string, unknown][],
  seen: WeakSet<object>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    // defineProperty: a "__proto__" key in logged data stays a plain key.
    Object.defineProperty(result, key, {
      value: SECRET_KEY.test(key) ? REDACTED : redactValue(item, seen),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}
