/**
 * Replaces a secret in logs.
 *
 * @example
 * ```ts
 * redactSecrets({ apiKey: "abc123456789" }).apiKey === REDACTED; // true: "[REDACTED]"
 * ```
 */
export const REDACTED = "[REDACTED]";

/**
 * What one provider adds to redaction. Core names no provider: each provider package
 * declares its own secrets (usually through `@anymail/http`'s `defineRedaction`) and
 * exposes them as `Provider.redaction` / `WebhookProvider.redaction`.
 *
 * @example
 * ```ts
 * const redaction: SecretRedaction = {
 *   keys: ["x-postmark-server-token", "serverToken"],
 *   patterns: [/\bkey-[0-9a-f]{32}\b/g],
 *   values: [process.env.POSTMARK_SERVER_TOKEN ?? ""],
 * };
 * ```
 */
export interface SecretRedaction {
  /** Object keys (header or option names, compared case-insensitively) whose values are secret. */
  readonly keys?: readonly string[];
  /** Global regular expressions of secret formats; every match in any string is masked. */
  readonly patterns?: readonly RegExp[];
  /** Exact secret values (the configured key, token, password); masked wherever they appear. */
  readonly values?: readonly string[];
}

const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|apikey|password|secret|token|access[-_]?token|server[-_]?token|signing[-_]?secret|inbound[-_]?secret|webhook[-_]?secret|basic[-_]?auth)$/i;

const GENERIC_PATTERNS: readonly [RegExp, string][] = [
  // Authorization header values that made it into a message.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // user:password@ in URLs.
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
];

/** A redaction compiled once per {@link SecretRedaction} object. */
interface Compiled {
  keys: ReadonlySet<string>;
  patterns: readonly RegExp[];
  values: readonly string[];
}

const NONE: Compiled = { keys: new Set(), patterns: [], values: [] };
const compiled = new WeakMap<SecretRedaction, Compiled>();

function compile(redaction: SecretRedaction | undefined): Compiled {
  if (redaction === undefined) return NONE;
  let result = compiled.get(redaction);
  if (result === undefined) {
    result = {
      keys: new Set((redaction.keys ?? []).map((key) => key.toLowerCase())),
      patterns: (redaction.patterns ?? []).map((pattern) =>
        pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`),
      ),
      // Short values would mask ordinary text; longest first so overlapping values mask whole.
      values: [...new Set(redaction.values ?? [])]
        .filter((value) => value.length >= 6)
        .sort((a, b) => b.length - a.length),
    };
    compiled.set(redaction, result);
  }
  return result;
}

/**
 * Returns a copy of `value` with secrets masked: values under keys such as
 * `Authorization`, `apiKey`/`api_key`, `password`, Bearer/Basic credentials and
 * `user:pass@` in URLs inside any string, plus whatever the provider's
 * {@link SecretRedaction} names (its key formats, header names and configured values).
 * Errors become plain objects; cycles become `"[Circular]"`.
 *
 * @example
 * ```ts
 * redactSecrets({ headers: { Authorization: "Bearer abc123456789" } });
 * // { headers: { Authorization: "[REDACTED]" } }
 * redactSecrets("key tok_12345678 leaked", { patterns: [/\btok_\w+/g] }); // "key [REDACTED] leaked"
 * ```
 */
export function redactSecrets<T>(value: T, redaction?: SecretRedaction): T {
  return redactValue(value, new WeakSet(), compile(redaction)) as T;
}

/**
 * Masks secrets inside one string.
 *
 * @example
 * ```ts
 * redactText("GET https://user:pw@example.com/"); // "GET https://[REDACTED]@example.com/"
 * ```
 */
export function redactText(text: string, redaction?: SecretRedaction): string {
  return redactString(text, compile(redaction));
}

function redactString(text: string, rules: Compiled): string {
  let result = text;
  for (const value of rules.values) {
    if (result.includes(value)) result = result.split(value).join(REDACTED);
  }
  for (const pattern of rules.patterns) result = result.replace(pattern, REDACTED);
  for (const [pattern, replacement] of GENERIC_PATTERNS)
    result = result.replace(pattern, replacement);
  return result;
}

function isSecretKey(key: string, rules: Compiled): boolean {
  return SECRET_KEY.test(key) || (rules.keys.size > 0 && rules.keys.has(key.toLowerCase()));
}

function redactValue(value: unknown, seen: WeakSet<object>, rules: Compiled): unknown {
  if (typeof value === "string") return redactString(value, rules);
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen, rules));
  if (value instanceof Headers) return redactEntries([...value.entries()], seen, rules);
  if (value instanceof Map)
    return redactEntries(
      [...value.entries()].map(([k, v]) => [String(k), v]),
      seen,
      rules,
    );
  if (value instanceof Set) return [...value].map((item) => redactValue(item, seen, rules));
  if (value instanceof Error) {
    const plain: [string, unknown][] = [
      ["name", value.name],
      ["message", value.message],
      ...Object.entries(value),
    ];
    if (value.cause !== undefined) plain.push(["cause", value.cause]);
    return redactEntries(plain, seen, rules);
  }
  return redactEntries(Object.entries(value), seen, rules);
}

function redactEntries(
  entries: [string, unknown][],
  seen: WeakSet<object>,
  rules: Compiled,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    // defineProperty: a "__proto__" key in logged data stays a plain key.
    Object.defineProperty(result, key, {
      value: isSecretKey(key, rules) ? REDACTED : redactValue(item, seen, rules),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}
