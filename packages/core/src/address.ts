import { AnymailInvalidAddress } from "./errors.js";
import { matchSimpleMailbox, type RawMailbox } from "./internal/address-fast-path.js";
import type { FullParser } from "./internal/runtime/full-parser.js";
import { fullParser } from "./internal/runtime/full-parser.node.js";
import {
  BIDI_CONTROL,
  CR_OR_LF,
  describeCharacter,
  HEADER_UNSAFE_CHARACTER,
  isAscii,
  isWellFormedText,
  quoteForMessage,
} from "./internal/text.js";
import type { AddressList } from "./message.js";
import type { EmailAddress } from "./prepared.js";

/** Display names holding any of these are quoted (RFC 5322 specials, as in anymail). */
const NAME_NEEDS_QUOTES = /[()<>@,:;."[\]\\]/;
/** RFC 5322 dot-atom, widened by RFC 6532 to allow non-ASCII characters. */
const DOT_ATOM =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\u{10ffff}]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\u{10ffff}]+)*$/u;

/**
 * Parses one address field that may hold several comma-separated mailboxes.
 * A string array is parsed item by item; an empty array yields no addresses.
 * Groups (`team: a@x.example, b@x.example;`) are rejected: no provider API sends them.
 *
 * @param input - a string (possibly a comma-separated list) or an array of strings
 * @param field - the message field, used in error messages (`to`, `replyTo`, ...)
 * @throws AnymailInvalidAddress naming the field and the text
 * @example
 * ```ts
 * const [who] = parseAddressList('"Dr. Who" <who@example.com>, bob@example.org', "to");
 * who.address; // '"Dr. Who" <who@example.com>'
 * ```
 */
export function parseAddressList(input: AddressList, field: string): EmailAddress[] {
  if (typeof input === "string") return parseOneString(input, field);
  if (!Array.isArray(input)) {
    throw new AnymailInvalidAddress(
      `Invalid email address in \`${field}\`: expected a string or an array of strings`,
      { field, input: String(input) },
    );
  }
  return input.flatMap((item: unknown) => {
    if (typeof item !== "string") {
      throw new AnymailInvalidAddress(
        `Invalid email address in \`${field}\`: expected a string, got ${typeof item}`,
        { field, input: String(item) },
      );
    }
    return parseOneString(item, field);
  });
}

/**
 * Parses exactly one mailbox, e.g. a `from` or `envelopeSender`.
 *
 * @throws AnymailInvalidAddress when the text holds no address, several, or a bad one
 * @example
 * ```ts
 * parseAddress("Shop <shop@example.com>", "from").addrSpec; // "shop@example.com"
 * ```
 */
export function parseAddress(input: string, field: string): EmailAddress {
  const addresses = parseAddressList(input, field);
  if (addresses.length !== 1) {
    throw new AnymailInvalidAddress(
      `Invalid email address in \`${field}\`: expected exactly one address, found ${addresses.length} in ${JSON.stringify(input)}`,
      { field, input },
    );
  }
  return addresses[0]!;
}

/**
 * Formats a mailbox for a header, as anymail does: the display name quoted only when it
 * holds a special character, the local part quoted only when it isn't a dot-atom.
 *
 * @example
 * ```ts
 * formatAddress("Dr. Who", "who", "example.com"); // '"Dr. Who" <who@example.com>'
 * ```
 */
export function formatAddress(displayName: string, username: string, domain: string): string {
  const addrSpec = `${formatLocalPart(username)}@${domain}`;
  if (displayName === "") return addrSpec;
  const name = NAME_NEEDS_QUOTES.test(displayName) ? quote(displayName) : displayName;
  return `${name} <${addrSpec}>`;
}

function formatLocalPart(username: string): string {
  return DOT_ATOM.test(username) ? username : quote(username);
}

function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * Size limits checked before the RFC 5322 parser runs, which costs 50–150 µs per address
 * and up to ~25 µs per character on pathological text: a 100,000-address string used to
 * block the event loop for 9.6 s. Exported so the docs and tests use the same figures.
 *
 * - `maxStringLength`: one address string (a comma-separated list included), any shape.
 * - `maxFullParseLength`: characters of one string that may go through the full parser.
 *   Plain `a@b.example` / `Name <a@b.example>` entries take a linear fast path and don't
 *   count, so a long list of plain addresses is fine; pass long lists of quoted or
 *   commented addresses as an array (each item has its own allowance).
 * - `maxMemoizedLength`: longer inputs are parsed but never kept in the memo.
 *
 * @example
 * ```ts
 * ADDRESS_LIMITS.maxStringLength; // 65536
 * ```
 */
export const ADDRESS_LIMITS = Object.freeze({
  maxStringLength: 65_536,
  maxFullParseLength: 4_096,
  maxMemoizedLength: 1_024,
});

/**
 * The common shapes take the fast path (~1 µs) and are not memoized: under traffic with
 * new recipients, a memo entry that outlives the send costs more in promotion and GC than
 * the re-parse it saves. Addresses that need the full parser (~20 µs) are memoized
 * (entries frozen) when short (see {@link ADDRESS_LIMITS}). The bound is above a
 * 10,000-recipient batch, so repeating such a batch hits instead of thrashing; when full,
 * the oldest entry goes, one at a time.
 * Insertion order, not recency: a hit that re-inserted its key would leave a deleted slot
 * in the key's hash chain each time, making every lookup of a hot key slower (~8 µs after
 * 10,000 hits in V8). A hot address evicted this way costs one fast re-parse.
 * Failures are not cached: their errors name the field, which differs per call.
 */
const PARSE_CACHE_LIMIT = 16_384;
const parseCache = new Map<string, readonly EmailAddress[]>();

function parseOneString(input: string, field: string): EmailAddress[] {
  if (input.length > ADDRESS_LIMITS.maxStringLength) {
    throw invalid(
      field,
      input,
      `is ${input.length} characters long, over the limit of ${ADDRESS_LIMITS.maxStringLength} for one address string: pass a long list as an array`,
    );
  }
  const simple = matchSimpleMailbox(input);
  if (simple !== undefined) return [toEmailAddress(simple, field, input)];
  const cached = parseCache.get(input);
  if (cached !== undefined) return cached.slice();
  const list = input.includes(",") ? matchSimpleList(input, field) : undefined;
  if (list !== undefined) return list;
  if (input.length > ADDRESS_LIMITS.maxFullParseLength) {
    throw invalid(
      field,
      input,
      `needs the full RFC 5322 parser and is over its limit of ${ADDRESS_LIMITS.maxFullParseLength} characters: pass the addresses as an array`,
    );
  }
  const parsed = parseWithFullParser(input, field);
  if (input.length > ADDRESS_LIMITS.maxMemoizedLength) return parsed;
  if (parseCache.size >= PARSE_CACHE_LIMIT) evictOldest();
  parseCache.set(
    input,
    parsed.map((address) => Object.freeze(address)),
  );
  return parsed;
}

/**
 * A comma-separated list whose every entry is a fast-path shape, parsed in linear time.
 * Fast-path shapes hold no commas, quotes or comments, so splitting on commas reads them
 * exactly as the full parser would. Any other entry: undefined (the full parser decides).
 */
function matchSimpleList(input: string, field: string): EmailAddress[] | undefined {
  const parts = input.split(",");
  const mailboxes: RawMailbox[] = [];
  for (const part of parts) {
    const simple = matchSimpleMailbox(part.trim());
    if (simple === undefined) return undefined;
    mailboxes.push(simple);
  }
  return mailboxes.map((mailbox) => toEmailAddress(mailbox, field, input));
}

/**
 * A live iterator over the keys always stands on the oldest entry (every key before it
 * was evicted). A fresh iterator per eviction would rescan the deleted slots at the
 * front (~3 µs per eviction at this size).
 */
let evictionCursor: Iterator<string> | undefined;

function evictOldest(): void {
  let next = evictionCursor?.next();
  if (next === undefined || next.done === true) {
    evictionCursor = parseCache.keys();
    next = evictionCursor.next();
  }
  if (next.done !== true) parseCache.delete(next.value);
}

/**
 * Parses with the complete RFC 5322/6532 parser (`email-addresses`, loaded on first use:
 * it adds ~20 ms to importing core). Exported for the test that pins the fast path to it.
 */
export function parseWithFullParser(input: string, field: string): EmailAddress[] {
  if (CR_OR_LF.test(input)) throw invalid(field, input, "contains a line break (CR or LF)");
  if (HEADER_UNSAFE_CHARACTER.test(input)) {
    const character = describeCharacter(input, HEADER_UNSAFE_CHARACTER);
    throw invalid(field, input, `contains the control character ${character}`);
  }
  if (BIDI_CONTROL.test(input)) {
    const character = describeCharacter(input, BIDI_CONTROL);
    throw invalid(
      field,
      input,
      `contains the bidi control ${character}, which makes a name read differently from what it is`,
    );
  }
  if (input.trim() === "") throw invalid(field, input, "is empty");
  if (!isWellFormedText(input))
    throw invalid(field, input, "contains invalid UTF-16 (a lone surrogate)");
  const parse = fullParser();
  let parsed: ReturnType<FullParser>;
  try {
    parsed = parse({ input, rfc6532: true, startAt: "address-list" });
  } catch (cause) {
    // The parser recurses per nesting level; pathological input (thousands of nested
    // comments) overflows the stack. That is bad input, not a crash.
    throw invalid(field, input, "is too deeply nested to parse", cause);
  }
  if (parsed === null) {
    const hint = input.includes(",") ? " (maybe missing quotes around a display-name?)" : "";
    throw invalid(field, input, diagnose(input) + hint);
  }
  return parsed.addresses.map((entry) => {
    if (entry.type === "group") {
      throw invalid(field, input, `is a group ("${entry.name}: ...;"), which can't be sent`);
    }
    return toEmailAddress(
      { displayName: entry.name ?? "", username: entry.local, domain: entry.domain },
      field,
      input,
    );
  });
}

function toEmailAddress(mailbox: RawMailbox, field: string, input: string): EmailAddress {
  const { displayName, username } = mailbox;
  const domain = encodeDomain(mailbox.domain, field, input);
  checkLengths(username, domain, field, input);
  return {
    displayName,
    username,
    domain,
    addrSpec: `${formatLocalPart(username)}@${domain}`,
    address: formatAddress(displayName, username, domain),
    usesEai: !isAscii(username),
  };
}

/** RFC 5321 §4.5.3.1 limits: no server accepts longer, so refuse before sending. */
function checkLengths(username: string, domain: string, field: string, input: string): void {
  if (utf8Length(username) > 64) throw invalid(field, input, "has a local part over 64 octets");
  if (domain.length > 255) throw invalid(field, input, "has a domain over 255 characters");
  // A domain of 63 characters or fewer can't hold a longer label: skip the split.
  if (domain.length > 63 && domain.split(".").some((label) => label.length > 63)) {
    throw invalid(field, input, "has a domain label over 63 characters");
  }
}

function utf8Length(text: string): number {
  return isAscii(text) ? text.length : new TextEncoder().encode(text).length;
}

/** IDNA through WHATWG URL: the same UTS-46 processing on every runtime, no punycode copy. */
function encodeDomain(domain: string, field: string, input: string): string {
  if (isAscii(domain)) return domain;
  let hostname: string;
  try {
    hostname = new URL(`http://${domain}`).hostname;
  } catch (cause) {
    throw invalid(field, input, `has a domain that cannot be IDNA-encoded (${domain})`, cause);
  }
  if (!isAscii(hostname) || hostname === "") {
    throw invalid(field, input, `has a domain that cannot be IDNA-encoded (${domain})`);
  }
  return hostname;
}

/** The parser only says "no"; name the most likely reason so the error is actionable. */
function diagnose(input: string): string {
  const unescapedQuotes = input.replace(/\\./g, "").split('"').length - 1;
  if (unescapedQuotes % 2 === 1) return "has unbalanced quotes";
  if ((input.match(/</g) ?? []).length !== (input.match(/>/g) ?? []).length) {
    return "has unbalanced angle brackets";
  }
  if (!input.includes("@")) return "is missing the @ (and domain)";
  if (/@\s*(>|,|$)/.test(input)) return "is missing the domain after @";
  if (/(^|<|,)\s*@/.test(input)) return "is missing the local part before @";
  return "is not a valid address";
}

function invalid(field: string, input: string, reason: string, cause?: unknown) {
  return new AnymailInvalidAddress(
    `Invalid email address in \`${field}\`: ${quoteForMessage(input)} ${reason}`,
    { field, input, cause },
  );
}
