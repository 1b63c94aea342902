/**
 * The addr-spec of one address as Resend writes it (`Name <a@b>` or `a@b`), or undefined
 * when it isn't an address.
 */
export function addrSpecOf(value: string): string | undefined {
  const bracketed = /<([^<>]*)>\s*$/.exec(value);
  const candidate = (bracketed ? bracketed[1]! : value).trim();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(candidate)) return undefined;
  return candidate;
}

const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ \u0080-\uFFFF]*$/;

/** `Name <a@b>`, quoting the name when RFC 5322 needs it; `a@b` without a name. */
export function formatMailbox(name: string, address: string): string {
  if (name === "") return address;
  const display = ATEXT_PHRASE.test(name) ? name : `"${name.replace(/(["\\])/g, "\\$1")}"`;
  return `${display} <${address}>`;
}
