import { createHmac, randomBytes } from "node:crypto";
import { Webhook } from "svix";

export const TRACKING_URL = "http://127.0.0.1/anymail/resend/tracking";
export const INBOUND_URL = "http://127.0.0.1/anymail/resend/inbound";

export function makeSecret(label: string): string {
  return `whsec_${Buffer.from(`${label}-secret-bytes-0123456789`.slice(0, 32)).toString("base64")}`;
}

/** svix headers for `body`, signed with the real svix library. */
export function svixHeaders(
  secret: string,
  body: string,
  options: { id?: string; at?: Date } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomBytes(9).toString("hex")}`;
  const at = options.at ?? new Date();
  return {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(secret).sign(id, at, body),
    "content-type": "application/json",
  };
}

/**
 * Signs raw bytes (which may not be valid UTF-8) with the Standard Webhooks scheme directly,
 * since svix's `sign` only takes strings.
 */
export function rawSignedHeaders(secret: string, body: Uint8Array): Record<string, string> {
  const id = `msg_${randomBytes(9).toString("hex")}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": `v1,${mac}` };
}

export function sentEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "email.delivered",
    created_at: new Date().toISOString(),
    data: {
      email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
      created_at: new Date().toISOString(),
      from: "Shop <shop@example.com>",
      to: ["ana@example.org"],
      subject: "Hello",
      headers: [
        { name: "X-Tags", value: '["a"]' },
        { name: "X-Metadata", value: '{"order":1}' },
      ],
    },
    ...overrides,
  };
}

export function post(
  url: string,
  body: BodyInit | Uint8Array | null,
  headers: Record<string, string> = {},
  method = "POST",
): Request {
  return new Request(url, {
    method,
    body: body as BodyInit | null,
    headers,
    duplex: "half",
  } as RequestInit);
}
