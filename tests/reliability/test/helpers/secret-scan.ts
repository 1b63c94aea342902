import { inspect } from "node:util";

/**
 * Everything a user could ever see of a value: its inspection (hidden props, cause chain,
 * nested response objects) plus a JSON rendering that includes error fields.
 */
export function everyVisibleText(value: unknown): string {
  const parts: string[] = [inspect(value, { depth: 12, showHidden: true, getters: true })];
  const seen = new Set<unknown>();
  let current: unknown = value;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    parts.push(current.message, String(current.stack));
    try {
      parts.push(JSON.stringify({ ...current }));
    } catch {
      // cyclic: inspect above already covered it
    }
    current = current.cause;
  }
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch {
    // not serializable: inspect above already covered it
  }
  return parts.join("\n");
}

/** Secret forms worth looking for: the raw value and its base64 (basic auth, HMAC keys). */
export function secretForms(secret: string): string[] {
  const forms = [secret, Buffer.from(secret).toString("base64")];
  if (secret.startsWith("whsec_")) forms.push(secret.slice("whsec_".length));
  return forms;
}

export function findLeakedSecrets(value: unknown, secrets: readonly string[]): string[] {
  const text = everyVisibleText(value);
  return secrets.flatMap(secretForms).filter((form) => text.includes(form));
}
