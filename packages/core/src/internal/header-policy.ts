import { AnymailSerializationError } from "../errors.js";
import { describeType, isPlainObject, safeEntries } from "./objects.js";
import {
  CR_OR_LF,
  describeCharacter,
  HEADER_FIELD_NAME,
  HEADER_UNSAFE_CHARACTER,
  isWellFormedText,
} from "./text.js";

/**
 * Throws unless `text` can go into a header as it is: no CR/LF, no other control character
 * (tab excepted), no line separator, no lone surrogate. One rule for the subject, header
 * values, tags, template ids and attachment names, so no field is a way around another.
 *
 * @param path - where the text sits, for the message (`headers.X-Note`, `subject`)
 * @param field - the message field, for `error.field`
 */
export function assertHeaderSafe(text: string, path: string, field: string): void {
  if (CR_OR_LF.test(text)) {
    throw new AnymailSerializationError(`\`${path}\` must not contain CR or LF`, { field });
  }
  if (HEADER_UNSAFE_CHARACTER.test(text)) {
    throw new AnymailSerializationError(
      `\`${path}\` must not contain the control character ${describeCharacter(text, HEADER_UNSAFE_CHARACTER)}`,
      { field },
    );
  }
  assertWellFormed(text, path, field);
}

/** A lone surrogate has no UTF-8 form: sending it would silently become U+FFFD. */
export function assertWellFormed(text: string, path: string, field: string): void {
  if (!isWellFormedText(text)) {
    throw new AnymailSerializationError(
      `\`${path}\` contains invalid UTF-16 (a lone surrogate), which cannot be sent as UTF-8`,
      { field },
    );
  }
}

/**
 * Validates one set of custom headers (`headers`, or one recipient's `mergeHeaders`):
 * RFC 5322 names, each name once whatever its case, values strings (a finite number
 * becomes its string) that are {@link assertHeaderSafe}.
 */
export function prepareHeaders(value: unknown, field: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const entries = safeEntries(value, field);
  const rootField = field.split(".", 1)[0] ?? field;
  if (entries.length > 1) refuseCaseDuplicates(entries, field, rootField);
  for (const [name, raw] of entries) {
    assertHeaderName(name, field, rootField);
    let text: string;
    if (typeof raw === "string") text = raw;
    else if (typeof raw === "number" && Number.isFinite(raw)) text = String(raw);
    else {
      throw new AnymailSerializationError(
        `Header ${JSON.stringify(name)} in \`${field}\` must be a string or a number, got ${describeType(raw)}`,
        { field: rootField },
      );
    }
    if (CR_OR_LF.test(text)) {
      throw new AnymailSerializationError(
        `Header ${JSON.stringify(name)} in \`${field}\` must not contain CR or LF`,
        { field: rootField },
      );
    }
    assertHeaderSafe(text, `${field}.${name}`, rootField);
    headers[name] = text;
  }
  return headers;
}

function assertHeaderName(name: string, field: string, rootField: string): void {
  if (!HEADER_FIELD_NAME.test(name)) {
    throw new AnymailSerializationError(
      `Invalid header name ${JSON.stringify(name)} in \`${field}\`: use printable ASCII without spaces or colons`,
      { field: rootField },
    );
  }
}

/** Header names are case-insensitive: two spellings of one name would send it twice or lose one. */
function refuseCaseDuplicates(
  entries: readonly (readonly [string, unknown])[],
  field: string,
  rootField: string,
): void {
  const seen = new Map<string, string>();
  for (const [name] of entries) {
    const lower = name.toLowerCase();
    const earlier = seen.get(lower);
    if (earlier !== undefined) {
      throw new AnymailSerializationError(
        `\`${field}\` sets the same header twice: ${JSON.stringify(earlier)} and ${JSON.stringify(name)}`,
        { field: rootField },
      );
    }
    seen.set(lower, name);
  }
}

/** `h:Name` form fields (Mailgun's way of passing a custom header). */
const PREFIXED_HEADER_KEY = /^h:(.*)$/is;

/**
 * `[{ Name, Value }]` (Postmark's shape; `name`/`value` too), each item checked like one
 * header; returns name → value (the first of a repeated name). Items of another shape are
 * not header-like and are left alone.
 */
function checkNameValuePairs(items: unknown[], field: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const item of items) {
    if (!isPlainObject(item)) continue;
    const name = item.Name ?? item.name;
    if (typeof name !== "string") continue;
    const checked = prepareHeaders({ [name]: item.Value ?? item.value }, field);
    if (!Object.hasOwn(found, name)) Object.assign(found, checked);
  }
  return found;
}

/**
 * The header-like parts of `espExtra`, checked like `headers` for injection: an object
 * under a top-level key named `headers` (any case), an array of `{ Name, Value }` under
 * that key (Postmark's shape) and top-level `h:<Name>` keys. Returns
 * them as one name → value record so the provider's own header rules (spoofing) can see
 * them too. Anything else in espExtra is the provider's request verbatim and is not
 * interpreted as a header.
 */
export function espExtraHeaders(espExtra: Record<string, unknown>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [key, value] of Object.entries(espExtra)) {
    if (key.toLowerCase() === "headers" && isPlainObject(value)) {
      Object.assign(found, prepareHeaders(value, `espExtra.${key}`));
      continue;
    }
    if (key.toLowerCase() === "headers" && Array.isArray(value)) {
      Object.assign(found, checkNameValuePairs(value, `espExtra.${key}`));
      continue;
    }
    const prefixed = PREFIXED_HEADER_KEY.exec(key);
    if (prefixed !== null && typeof value === "string") {
      const name = prefixed[1] ?? "";
      Object.assign(found, prepareHeaders({ [name]: value }, "espExtra"));
    }
  }
  return found;
}
