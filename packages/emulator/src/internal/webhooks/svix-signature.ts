import { createHmac, randomBytes } from "node:crypto";

const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** The HMAC key inside a `whsec_…` secret, or null when it isn't one. */
export function svixKey(secret: string): Buffer | null {
  const match = typeof secret === "string" ? WHSEC.exec(secret) : null;
  if (!match) return null;
  const key = Buffer.from(match[1]!, "base64");
  // Reject base64 that doesn't round-trip (stray characters decode silently otherwise).
  return key.length > 0 && key.toString("base64") === match[1] ? key : null;
}

/** A `whsec_` secret over 24 random bytes, the size Svix recommends. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * A signing function for one secret: the Standard Webhooks / svix scheme,
 * `v1,` + base64(HMAC-SHA256(key, "<id>.<unix seconds>.<body>")). The key is decoded once, so
 * signing thousands of deliveries costs one HMAC each.
 *
 * @example
 * ```ts
 * const sign = svixSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
 * const signature = sign("msg_1", new Date(), JSON.stringify(payload)); // "v1,…"
 * ```
 */
export function svixSigner(
  secret: string,
): (id: string, at: Date | number, body: string | Uint8Array) => string {
  const key = svixKey(secret);
  if (!key) throw new TypeError("A svix secret is `whsec_` followed by base64.");
  return (id, at, body) => {
    const seconds = typeof at === "number" ? at : Math.floor(at.getTime() / 1000);
    const mac = createHmac("sha256", key).update(`${id}.${seconds}.`).update(body);
    return `v1,${mac.digest("base64")}`;
  };
}
