import { AnymailSerializationError } from "./errors.js";
import { JSON_DEPTH_LIMIT, safeEntries, tooDeep } from "./internal/objects.js";
import type { AddressList, EmailMessage } from "./message.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Field = keyof EmailMessage;

const LIST_FIELDS = ["to", "cc", "bcc", "replyTo"] as const;
const ARRAY_FIELDS = ["tags", "attachments"] as const;
const SHALLOW_MERGE_FIELDS = ["headers", "metadata", "mergeGlobalData"] as const;
const PER_RECIPIENT_FIELDS = ["mergeData", "mergeMetadata"] as const;

/**
 * Combines mailer defaults with one message, like anymail's SEND_DEFAULTS: address lists,
 * tags and attachments concatenate (defaults first); headers, metadata and
 * mergeGlobalData merge shallowly (the message wins); mergeData and mergeMetadata merge
 * per recipient; espExtra merges deeply; every other field is the message's when it is
 * not `undefined`. `mergeHeaders` is never combined (the message's only). A message field
 * set to `null` removes that field's default (anymail's `None`): the result has neither.
 * Returns a new object without `null` fields; neither input is changed.
 *
 * @throws AnymailSerializationError for a `__proto__`/`constructor`/`prototype` key, or
 *   espExtra nested deeper than {@link JSON_DEPTH_LIMIT}
 * @example
 * ```ts
 * combineDefaults({ from: "shop@example.com", tags: ["shop"] }, { to: "a@example.org", tags: ["order"] });
 * // { from: "shop@example.com", to: "a@example.org", tags: ["shop", "order"] }
 * ```
 */
export function combineDefaults(
  defaults: EmailMessage | undefined,
  message: EmailMessage,
): EmailMessage {
  const combined: Mutable<EmailMessage> = {};
  if (defaults === undefined) {
    // Nothing to combine: the same shallow copy as below, without collecting keys.
    for (const key of Object.keys(message) as Field[]) {
      const value = key === "mergeHeaders" ? message.mergeHeaders : copyShallow(message[key]);
      if (value !== undefined && value !== null) (combined as Record<string, unknown>)[key] = value;
    }
    return combined;
  }
  const base = defaults;
  const keys = new Set<Field>([
    ...(Object.keys(base) as Field[]),
    ...(Object.keys(message) as Field[]),
  ]);
  for (const key of keys) {
    const value = combineField(key, base[key], key === "mergeHeaders" ? undefined : message[key]);
    const chosen = key === "mergeHeaders" ? message.mergeHeaders : value;
    if (chosen !== undefined && chosen !== null)
      (combined as Record<string, unknown>)[key] = chosen;
  }
  return combined;
}

function combineField(key: Field, fallback: unknown, own: unknown): unknown {
  // null opts out of the default (anymail's None); a null default is no default.
  if (own === null) return undefined;
  if (fallback === undefined || fallback === null) return copyShallow(own);
  if (own === undefined) return copyShallow(fallback);
  if ((LIST_FIELDS as readonly Field[]).includes(key)) {
    return [...asList(fallback as AddressList), ...asList(own as AddressList)];
  }
  if ((ARRAY_FIELDS as readonly Field[]).includes(key)) {
    return [...asArray(fallback, key), ...asArray(own, key)];
  }
  if ((SHALLOW_MERGE_FIELDS as readonly Field[]).includes(key)) {
    return Object.fromEntries([...safeEntries(fallback, key), ...safeEntries(own, key)]);
  }
  if ((PER_RECIPIENT_FIELDS as readonly Field[]).includes(key)) {
    return mergePerRecipient(fallback, own, key);
  }
  if (key === "espExtra") return deepMerge(fallback, own, key);
  return own;
}

/** A copy so a preSend hook editing the combined message never edits the caller's. */
function copyShallow(value: unknown): unknown {
  if (Array.isArray(value)) return [...value];
  return value;
}

function asList(value: AddressList): string[] {
  return typeof value === "string" ? [value] : [...value];
}

function asArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new AnymailSerializationError(`\`${field}\` must be an array`, { field });
  }
  return value;
}

function mergePerRecipient(
  fallback: unknown,
  own: unknown,
  field: string,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [recipient, data] of safeEntries(fallback, field)) merged[recipient] = data;
  for (const [recipient, data] of safeEntries(own, field)) {
    const previous = Object.hasOwn(merged, recipient) ? merged[recipient] : undefined;
    merged[recipient] =
      previous === undefined
        ? data
        : Object.fromEntries([
            ...safeEntries(previous, `${field}.${recipient}`),
            ...safeEntries(data, `${field}.${recipient}`),
          ]);
  }
  return merged;
}

/**
 * Recursive merge over own keys only: plain objects merge, anything else replaces. The
 * recursion stops at {@link JSON_DEPTH_LIMIT} with a typed error, never a stack overflow.
 */
export function deepMerge(
  fallback: unknown,
  own: unknown,
  field: string,
  depth = 1,
): Record<string, unknown> {
  if (depth > JSON_DEPTH_LIMIT) throw tooDeep(field.split(".", 1)[0] ?? field);
  const merged: Record<string, unknown> = {};
  for (const [key, value] of safeEntries(fallback, field)) merged[key] = value;
  for (const [key, value] of safeEntries(own, field)) {
    const previous = Object.hasOwn(merged, key) ? merged[key] : undefined;
    merged[key] =
      isMergeable(previous) && isMergeable(value)
        ? deepMerge(previous, value, `${field}.${key}`, depth + 1)
        : value;
  }
  return merged;
}

function isMergeable(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
