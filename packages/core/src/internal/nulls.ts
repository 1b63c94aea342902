import type { EmailMessage } from "../message.js";

/** `T` with `null` removed from every property's type. */
export type NullFree<T> = { [K in keyof T]: Exclude<T[K], null> };

/**
 * The message without its `null` fields, or the message itself when it has none (the
 * common case costs one pass over the keys and no copy). `null` on a field means "not
 * this field, not even its default", as `None` does in anymail; once defaults are
 * combined it is the same as unset.
 */
export function withoutNulls(message: EmailMessage): NullFree<EmailMessage> {
  let copy: Record<string, unknown> | undefined;
  for (const key in message) {
    if (!Object.hasOwn(message, key)) continue;
    if ((message as Record<string, unknown>)[key] !== null) continue;
    copy ??= { ...message };
    delete copy[key];
  }
  return (copy ?? message) as NullFree<EmailMessage>;
}
