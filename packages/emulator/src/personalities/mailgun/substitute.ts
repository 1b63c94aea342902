/**
 * Mailgun's batch personalization: `%recipient.KEY%` becomes that recipient's value from
 * `recipient-variables` (objects as JSON, missing keys as ""), `%recipient%` the address.
 */
export function substitute(
  text: string,
  address: string,
  variables: Record<string, unknown> | undefined,
): string {
  return text.replace(/%recipient(?:\.([^%]+))?%/g, (_, key: string | undefined) => {
    if (key === undefined) return address;
    const value = variables?.[key];
    if (value === undefined || value === null) return "";
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}
