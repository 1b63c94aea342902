// Keys that would reach an object's prototype (or look like it) when merging caller data.
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns `target` with `extra` merged in recursively: plain objects merge, anything else
 * (arrays included) replaces. Never mutates either input, so objects shared between
 * batch elements stay intact. Prototype-polluting keys are ignored at every level.
 */
export function deepMerge(
  target: Record<string, unknown>,
  extra: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...target };
  for (const key of Object.keys(extra)) {
    if (UNSAFE_KEYS.has(key)) continue;
    const value = extra[key];
    const existing = result[key];
    if (isPlainObject(value)) {
      result[key] = deepMerge(isPlainObject(existing) ? existing : {}, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}
