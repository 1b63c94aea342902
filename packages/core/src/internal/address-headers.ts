import { parseAddress, parseAddressList } from "../address.js";
import type { EmailAddress } from "../prepared.js";

/** The fields {@link applyAddressHeaders} may rewrite. */
export interface AddressFields {
  from: EmailAddress;
  replyTo: readonly EmailAddress[];
  envelopeSender?: EmailAddress;
  headers?: Readonly<Record<string, string>>;
  mergeHeaders?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * `Reply-To` and `From` given as custom headers are addresses, not opaque headers (anymail
 * a.4, for code ported from SMTP libraries): `Reply-To` replaces `replyTo`; `From` becomes
 * the visible sender and the message's `from` becomes the envelope sender, which a provider
 * without envelope-sender support then refuses instead of silently dropping. Other headers
 * (`To` included) stay for the provider to send or refuse.
 *
 * The same headers in one recipient's `mergeHeaders` are parsed the same way (a bad address
 * is `AnymailInvalidAddress`) and stay that recipient's header, formatted like every other
 * address (IDNA domain, quoting); a per-recipient `From` also makes the message's `from` the
 * envelope sender, exactly as in `headers`.
 */
export function applyAddressHeaders(fields: AddressFields): void {
  applyMessageHeaders(fields);
  const perRecipient = fields.mergeHeaders;
  if (perRecipient === undefined) return;
  let rewritten: Record<string, Readonly<Record<string, string>>> | undefined;
  for (const [recipient, headers] of Object.entries(perRecipient)) {
    const formatted = formatRecipientHeaders(fields, headers, `mergeHeaders.${recipient}`);
    if (formatted === headers) continue;
    rewritten ??= { ...perRecipient };
    rewritten[recipient] = formatted;
  }
  if (rewritten !== undefined) fields.mergeHeaders = rewritten;
}

function applyMessageHeaders(fields: AddressFields): void {
  const headers = fields.headers;
  if (headers === undefined) return;
  const names = addressHeaderNames(headers);
  if (names.length === 0) return;
  const remaining = { ...headers };
  for (const name of names) {
    const value = remaining[name] ?? "";
    delete remaining[name];
    if (name.toLowerCase() === "from") {
      fields.envelopeSender ??= fields.from;
      fields.from = parseAddress(value, `headers.${name}`);
    } else if (value.trim() !== "") {
      fields.replyTo = parseAddressList(value, `headers.${name}`);
    }
  }
  if (Object.keys(remaining).length === 0) delete fields.headers;
  else fields.headers = remaining;
}

function formatRecipientHeaders(
  fields: AddressFields,
  headers: Readonly<Record<string, string>>,
  path: string,
): Readonly<Record<string, string>> {
  const names = addressHeaderNames(headers);
  if (names.length === 0) return headers;
  const result = { ...headers };
  for (const name of names) {
    const value = result[name] ?? "";
    if (name.toLowerCase() === "from") {
      fields.envelopeSender ??= fields.from;
      result[name] = parseAddress(value, `${path}.${name}`).address;
    } else if (value.trim() === "") {
      delete result[name];
    } else {
      result[name] = parseAddressList(value, `${path}.${name}`)
        .map((address) => address.address)
        .join(", ");
    }
  }
  return result;
}

function addressHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  return Object.keys(headers).filter((name) => ADDRESS_HEADERS.has(name.toLowerCase()));
}

const ADDRESS_HEADERS = new Set(["from", "reply-to"]);
