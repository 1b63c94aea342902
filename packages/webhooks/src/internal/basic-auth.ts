import { AnymailConfigurationError } from "@anymail/core";

const encoder = new TextEncoder();

async function digest(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

/** Compares two equal-length digests without an early exit. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ (b[i] ?? 0);
  return difference === 0;
}

function decodeBasic(header: string | null): string | undefined {
  const match = header === null ? null : /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (!match) return undefined;
  try {
    const binary = atob(match[1]!);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Checks an `Authorization: Basic` header against `user:pass` credentials. */
export interface BasicAuthCheck {
  readonly configured: boolean;
  check(authorization: string | null): Promise<boolean>;
}

/**
 * Normalizes the `basicAuth` option (or `ANYMAIL_WEBHOOK_SECRET`, comma-separated for several)
 * into a checker. Every
 * candidate is compared as a SHA-256 digest of the same length, and all candidates are
 * compared every time, so timing reveals neither the match nor its length.
 */
export function createBasicAuthCheck(
  option: string | readonly string[] | undefined,
): BasicAuthCheck {
  const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.ANYMAIL_WEBHOOK_SECRET;
  // The environment can only hold one string: several credentials (a rotation) are
  // comma-separated there, as django-anymail's WEBHOOK_SECRET list.
  const fromOption = typeof option === "string" ? [option] : option;
  const raw = fromOption ?? fromEnv?.split(",").map((item) => item.trim()) ?? [];
  const list = raw.filter((item) => item !== "");
  for (const credential of list) {
    if (!credential.includes(":")) {
      // Never echo the credential itself.
      throw new AnymailConfigurationError(
        'Each basicAuth credential (or ANYMAIL_WEBHOOK_SECRET) must look like "user:password"',
      );
    }
  }
  const digests = Promise.all(list.map(digest));
  return {
    configured: list.length > 0,
    async check(authorization) {
      const expected = await digests;
      const given = await digest(decodeBasic(authorization) ?? "");
      let matched = false;
      for (const candidate of expected) matched = sameBytes(candidate, given) || matched;
      return matched;
    },
  };
}
