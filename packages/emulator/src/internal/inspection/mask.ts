const SECRET_FIELDS = new Set(["apikey", "secret", "signingkey", "password", "servertoken"]);
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]+)@/gi;

/** `re_…wxyz`: enough to recognise a key, too little to use it. */
export function maskSecret(value: string): string {
  const prefix = /^[a-z]+_/i.exec(value)?.[0] ?? "";
  const rest = value.slice(prefix.length);
  return rest.length <= 8 ? `${prefix}…` : `${prefix}…${rest.slice(-4)}`;
}

function maskString(value: string, patterns: readonly RegExp[]): string {
  let masked = value.replace(URL_USERINFO, (_match, scheme: string) => `${scheme}***@`);
  for (const pattern of patterns) masked = masked.replace(pattern, (found) => maskSecret(found));
  return masked;
}

/**
 * A copy of `value` safe to show any local page: secret-named fields masked, URL user-info
 * replaced and the personality's key patterns masked in every string.
 */
export function maskSecrets(value: unknown, patterns: readonly RegExp[]): unknown {
  if (typeof value === "string") return maskString(value, patterns);
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, patterns));
  if (typeof value === "object" && value !== null) {
    if (value instanceof Uint8Array) return value;
    const source =
      typeof (value as { toJSON?: unknown }).toJSON === "function"
        ? (value as { toJSON: () => unknown }).toJSON()
        : value;
    if (source !== value) return maskSecrets(source, patterns);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] =
        typeof item === "string" && SECRET_FIELDS.has(key.toLowerCase())
          ? maskSecret(item)
          : maskSecrets(item, patterns);
    }
    return result;
  }
  return value;
}
