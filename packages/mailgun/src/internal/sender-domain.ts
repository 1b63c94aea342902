/**
 * Why a sender domain can't be put in the API path, or undefined when it can. Mailgun
 * decodes `%2F` before routing, so an encoded slash is as bad as a literal one: both reach
 * another endpoint, which answers a cryptic 200 "Mailgun Magnificent API".
 */
export function invalidSenderDomainReason(domain: string): string | undefined {
  if (domain === "") return "empty sender domain";
  if (domain.includes("/") || domain.toLowerCase().includes("%2f")) {
    return `Invalid '/' in sender domain '${domain}'`;
  }
  if (/[\r\n]/.test(domain)) return "line break in sender domain";
  return undefined;
}

/** The domain as one URL path segment, every reserved character escaped (anymail's `quote(safe="")`). */
export function senderDomainPathSegment(domain: string): string {
  return encodeURIComponent(domain).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
