import { AnymailWebhookValidationFailure, type RawWebhookRequest } from "@anymail/core";

// __Name__ signs each delivery as `x-__name__-signature: t=<unix seconds>,v1=<hex>`, where
// hex = HMAC-SHA256(secret, "<t>.<raw body>"), and names it in `x-__name__-delivery-id`
// (stable across retries). Replace this file with your ESP's scheme, keeping Web Crypto so it
// runs on edge runtimes too.
const SIGNATURE = "x-__name__-signature";
const DELIVERY_ID = "x-__name__-delivery-id";
const encoder = new TextEncoder();

async function hmacHex(secret: string, timestamp: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.byteLength + body.byteLength);
  signed.set(prefix);
  signed.set(body, prefix.byteLength);
  const digest = new Uint8Array(await crypto.subtle.sign("HMAC", key, signed));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares without an early exit, so timing does not reveal how much matched. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function refuse(reason: string): never {
  throw new AnymailWebhookValidationFailure(`__Name__ webhook ${reason}`);
}

/** Checks the signature with every secret; resolves to the delivery id. */
export async function verifySignature(
  request: RawWebhookRequest,
  secrets: readonly string[],
  toleranceSeconds: number,
): Promise<string> {
  const header = request.headers.get(SIGNATURE);
  const deliveryId = request.headers.get(DELIVERY_ID);
  if (header === null || deliveryId === null || deliveryId === "") {
    refuse("is missing its signature headers");
  }
  const parts = new Map(
    header.split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = parts.get("t") ?? "";
  const given = parts.get("v1") ?? "";
  if (!/^\d{1,12}$/.test(timestamp)) refuse("has no valid signature timestamp");
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) {
    refuse("signature is outside the tolerance window (a replay, or a wrong clock)");
  }
  let matched = false;
  for (const secret of secrets) {
    matched = constantTimeEqual(await hmacHex(secret, timestamp, request.body), given) || matched;
  }
  if (!matched) refuse("signature does not match");
  return deliveryId;
}

/**
 * Signs `body` as __Name__ does: for tests, and for an emulator personality.
 *
 * @example
 * ```ts
 * const headers = await sign__Name__Webhook(body, secret, { deliveryId: "dlv_1" });
 * await fetch("http://127.0.0.1:3000/anymail/__name__/tracking", { method: "POST", body, headers });
 * ```
 */
export async function sign__Name__Webhook(
  body: string | Uint8Array,
  secret: string,
  options: { deliveryId: string; timestamp?: Date },
): Promise<Record<string, string>> {
  const timestamp = String(Math.floor((options.timestamp ?? new Date()).getTime() / 1000));
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return {
    "content-type": "application/json",
    [DELIVERY_ID]: options.deliveryId,
    [SIGNATURE]: `t=${timestamp},v1=${await hmacHex(secret, timestamp, bytes)}`,
  };
}
