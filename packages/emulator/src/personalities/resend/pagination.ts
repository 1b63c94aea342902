import { type ApiError, invalidField } from "./api-error.js";

/** Resend's cursor pagination over items ordered newest first. */
export function paginate<T extends { id: string }>(
  newestFirst: T[],
  query: URLSearchParams,
): { has_more: boolean; items: T[] } | ApiError {
  const limitText = query.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return invalidField("The `limit` parameter must be an integer between 1 and 100.");
  }
  const after = query.get("after");
  const before = query.get("before");
  if (after !== null && before !== null) {
    return invalidField("The `after` and `before` parameters cannot be used together.");
  }
  if (before !== null) {
    const end = newestFirst.findIndex((item) => item.id === before);
    const upTo = end === -1 ? 0 : end;
    const start = Math.max(0, upTo - limit);
    return { has_more: start > 0, items: newestFirst.slice(start, upTo) };
  }
  let start = 0;
  if (after !== null) {
    const index = newestFirst.findIndex((item) => item.id === after);
    start = index === -1 ? newestFirst.length : index + 1;
  }
  return {
    has_more: start + limit < newestFirst.length,
    items: newestFirst.slice(start, start + limit),
  };
}
