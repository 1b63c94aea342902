import { parseAddress, parseAddressList } from "../address.js";
import type { EmailAddress } from "../prepared.js";

/** The fields {@link applyAddressHeaders} may rewrite. */
export interface AddressFields {
  from: EmailAddress;
  replyTo: readonly EmailAddress[];
  envelopeSender?: EmailAddress;
  headers?: Readonly<Record<string, string>>;
}

/**
 * `Reply-To` and `From` given as custom headers are addresses, not opaque headers (anymail
 * a.4, for code ported from SMTP libraries): `Reply-To` replaces `replyTo`; `From` becomes
 * the visible sender and the message's `from` becomes the envelope sender, which a provider
 * without envelope-sender support then refuses instead of silently dropping. Other headers
 * (`To` included) stay for the provider to send or refuse.
 */
export function applyAddressHeaders(fields: AddressFields): void {
  const headers = fields.headers;
  if (headers === undefined) return;
  const names = Object.keys(headers).filter((name) => ADDRESS_HEADERS.has(name.toLowerCase()));
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

const ADDRESS_HEADERS = new Set(["from", "reply-to"]);
