import { AnymailSerializationError } from "../errors.js";

/**
 * Keys that let a merge walk into `Object.prototype`. Rejected rather than dropped so
 * nothing is lost silently and no downstream deep-merge (a provider's espExtra merge)
 * can be tricked into polluting prototypes.
 */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** True for `{}`-style objects: not arrays, dates, class instances or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws when `key` could reach a prototype. `field` names where it was found. */
export function assertSafeKey(key: string, field: string): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw new AnymailSerializationError(
      `The key "${key}" is not allowed in \`${field}\` (it could pollute object prototypes)`,
      { field },
    );
  }
}

/** Own enumerable entries of a plain object, each key checked with {@link assertSafeKey}. */
export function safeEntries(value: unknown, field: string): [string, unknown][] {
  if (!isPlainObject(value)) {
    throw new AnymailSerializationError(
      `\`${field}\` must be a plain object, got ${describeType(value)}`,
      { field },
    );
  }
  const entries = Object.entries(value);
  for (const [key] of entries) assertSafeKey(key, field);
  return entries;
}

/** A short human description of a value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
      ?.constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return typeof value === "bigint" ? "a BigInt" : `a ${typeof value}`;
}

/**
 * Checks that `value` survives `JSON.stringify` unchanged: plain objects, arrays,
 * strings, finite numbers, booleans and null. Anything else (BigInt, functions, cycles,
 * NaN, class instances, `undefined` inside arrays) would be lost or throw later, so it
 * throws now, naming the path.
 */
export function assertJsonSerializable(value: unknown, field: string): void {
  walkJson(value, field, new Set(), 0);
}

/**
 * How deep metadata, espExtra, merge data and defaults may nest (objects and arrays).
 * Real payloads use a handful of levels; without a cap, 10,000 levels overflowed the stack
 * here and in every later `JSON.stringify`.
 */
export const JSON_DEPTH_LIMIT = 64;

/** The typed error for a value nested deeper than {@link JSON_DEPTH_LIMIT}. */
export function tooDeep(field: string): AnymailSerializationError {
  return new AnymailSerializationError(
    `\`${field}\` is nested more than ${JSON_DEPTH_LIMIT} levels deep, which is not sent`,
    { field },
  );
}

function walkJson(value: unknown, path: string, ancestors: Set<object>, depth: number): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return;
    throw notSerializable(path, `${value} is not a finite number`);
  }
  if (Array.isArray(value) || isPlainObject(value)) {
    if (ancestors.has(value)) throw notSerializable(path, "it contains a circular reference");
    if (depth >= JSON_DEPTH_LIMIT) throw tooDeep(path.split(/[.[]/, 1)[0] ?? path);
    ancestors.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item === undefined) throw notSerializable(`${path}[${index}]`, "it is undefined");
        walkJson(item, `${path}[${index}]`, ancestors, depth + 1);
      });
    } else {
      for (const [key, item] of Object.entries(value)) {
        assertSafeKey(key, path);
        // JSON.stringify drops undefined properties; that matches "unset", so allow it.
        if (item !== undefined) walkJson(item, `${path}.${key}`, ancestors, depth + 1);
      }
    }
    ancestors.delete(value);
    return;
  }
  throw notSerializable(path, `${describeType(value)} cannot be represented in JSON`);
}

function notSerializable(path: string, reason: string): AnymailSerializationError {
  const field = path.split(/[.[]/, 1)[0] ?? path;
  return new AnymailSerializationError(
    `Cannot send \`${path}\`: ${reason}. Convert it to a string or number first.`,
    { field },
  );
}
