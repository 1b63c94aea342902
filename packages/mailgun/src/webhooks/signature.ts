import { AnymailWebhookValidationFailure } from "@anymail/core";

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(bytes)) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Compares without an early exit, so timing reveals nothing about where strings differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/**
 * Mailgun's webhook signature: hex HMAC-SHA256 of `timestamp + token` under the signing key.
 * Web Crypto only, so it runs unchanged on edge runtimes.
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
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(signingKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}${token}`)));
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
  let key: Promise<CryptoKey> | undefined;
  // token → SHA-256 of the body and when it stops mattering; Map order = insertion order.
  const seen = new Map<string, { digest: string; expires: number }>();

  return async function verify(block: SignatureBlock, body: Uint8Array, nowMs = Date.now()) {
    const { timestamp, token, signature } = block;
    if (!/^\d{1,12}$/.test(timestamp)) {
      throw new AnymailWebhookValidationFailure("Mailgun webhook timestamp is not a number");
    }
    key ??= crypto.subtle.importKey(
      "raw",
      encoder.encode(checks.signingKey),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const expected = hex(
      await crypto.subtle.sign("HMAC", await key, encoder.encode(`${timestamp}${token}`)),
    );
    if (!constantTimeEqual(signature.toLowerCase(), expected)) {
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
