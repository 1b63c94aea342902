// Keys that would reach an object's prototype (or look like it) when merging caller data.
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The one `espExtra` rule of every provider: a **deep** merge over the payload the
 * provider built. Plain objects merge key by key at every depth; anything else (arrays,
 * strings, `null`) replaces. Neither input is mutated (objects shared between batch
 * elements stay intact); `__proto__` / `constructor` / `prototype` keys are ignored.
 *
 * @example
 * ```ts
 * mergeEspExtra({ a: 1, headers: { X: "1" } }, { headers: { Y: "2" }, tags: [] });
 * // { a: 1, headers: { X: "1", Y: "2" }, tags: [] }
 * ```
 */
export function mergeEspExtra(
  payload: Record<string, unknown>,
  extra: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...payload };
  for (const key of Object.keys(extra)) {
    if (UNSAFE_KEYS.has(key)) continue;
    const value = extra[key];
    const existing = result[key];
    result[key] = isPlainObject(value)
      ? mergeEspExtra(isPlainObject(existing) ? existing : {}, value)
      : value;
  }
  return result;
}
