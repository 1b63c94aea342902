export const TRACKING_URL = "http://127.0.0.1/anymail/resend/tracking";
export const INBOUND_URL = "http://127.0.0.1/anymail/resend/inbound";

export function makeSecret(label: string): string {
  return `whsec_${Buffer.from(`${label}-secret-bytes-0123456789`.slice(0, 32)).toString("base64")}`;
}

/** svix headers for `body` (string or raw bytes), from the repository's one svix signer. */
export { svixSignedHeaders as svixHeaders } from "@anymail/emulator/testing";

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
