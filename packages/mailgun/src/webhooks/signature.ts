import { AnymailWebhookValidationFailure } from "@anymail/core";
import { createHmacSha256, timingSafeEqualStrings } from "@anymail/http";

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(bytes)) out += byte.toString(16).padStart(2, "0");
  return out;
}

/**
 * Mailgun's webhook signature: hex HMAC-SHA256 of `timestamp + token` under the signing key.
 * `node:crypto` where the runtime has it, Web Crypto elsewhere (edge runtimes).
 *
 * @example
 * ```ts
 * const signature = await signMailgunWebhook(key, "1700000000", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0");
 * ```
 */
export async function signMailgunWebhook(
  signingKey: string,
  timestamp: string,
  token: string,
): Promise<string> {
  return createHmacSha256(encoder.encode(signingKey), "hex")([timestamp, token]);
}

/** The signature fields of one delivery. */
export interface SignatureBlock {
  timestamp: string;
  token: string;
  signature: string;
}

/** Checks for a validator built once per provider. */
export interface SignatureChecks {
  signingKey: string;
  maxAgeSeconds: number;
  maxClockSkewSeconds: number;
  tokenMemory: number;
}

/**
 * Verifies a signature block: the HMAC, the timestamp's freshness, and that a token already
 * seen is only ever seen again with the same body (Mailgun signs timestamp and token but
 * not the body, so a captured signature could otherwise carry a forged body).
 */
export function createSignatureVerifier(checks: SignatureChecks) {
  const mac = createHmacSha256(encoder.encode(checks.signingKey), "hex");
  // token → SHA-256 of the body and when it stops mattering; Map order = insertion order.
  const seen = new Map<string, { digest: string; expires: number }>();

  return async function verify(block: SignatureBlock, body: Uint8Array, nowMs = Date.now()) {
    const { timestamp, token, signature } = block;
    if (!/^\d{1,12}$/.test(timestamp)) {
      throw new AnymailWebhookValidationFailure("Mailgun webhook timestamp is not a number");
    }
    // Synchronous where node:crypto exists: no promise to wait for.
    const computed = mac([timestamp, token]);
    const expected = typeof computed === "string" ? computed : await computed;
    if (!timingSafeEqualStrings(signature.toLowerCase(), expected)) {
      throw new AnymailWebhookValidationFailure("Mailgun webhook called with incorrect signature");
    }
    const ageSeconds = nowMs / 1000 - Number(timestamp);
    if (ageSeconds > checks.maxAgeSeconds) {
      throw new AnymailWebhookValidationFailure(
        `Mailgun webhook timestamp is ${Math.round(ageSeconds)} s old (limit ${checks.maxAgeSeconds} s)`,
      );
    }
    if (-ageSeconds > checks.maxClockSkewSeconds) {
      throw new AnymailWebhookValidationFailure("Mailgun webhook timestamp is in the future");
    }
    if (checks.tokenMemory === 0) return;
    const digest = hex(await crypto.subtle.digest("SHA-256", body as Uint8Array<ArrayBuffer>));
    const previous = seen.get(token);
    if (previous !== undefined && previous.expires > nowMs) {
      if (previous.digest !== digest) {
        throw new AnymailWebhookValidationFailure(
          "Mailgun webhook token was already used with a different body (replayed signature)",
        );
      }
      return;
    }
    seen.delete(token);
    seen.set(token, {
      digest,
      expires: (Number(timestamp) + checks.maxAgeSeconds) * 1000,
    });
    for (const [oldest, entry] of seen) {
      if (seen.size <= checks.tokenMemory && entry.expires > nowMs) break;
      seen.delete(oldest);
    }
  };
}
