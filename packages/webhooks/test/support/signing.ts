import { Webhook } from "svix";

export const SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const INBOUND_SECRET = "whsec_dGhpcyBpcyBhIGRpZmZlcmVudCBrZXkhIQ==";
export const WRONG_SECRET = "whsec_c29tZW9uZSBlbHNlJ3Mgc2VjcmV0IGtleQ==";

let counter = 0;
export const nextId = () => `msg_test_${++counter}_${Date.now()}`;

/** Headers Resend would send for `body`, signed with the real svix library. */
export function svixHeaders(
  body: string,
  options: { secret?: string; id?: string; at?: Date } = {},
): Record<string, string> {
  const id = options.id ?? nextId();
  const at = options.at ?? new Date();
  return {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(options.secret ?? SIGNING_SECRET).sign(id, at, body),
  };
}

export const basic = (credentials: string) =>
  `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;

export function trackingPayload(type = "email.delivered", data: Record<string, unknown> = {}) {
  return {
    type,
    created_at: "2026-11-20T10:15:06.318Z",
    data: {
      email_id: "0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10",
      created_at: "2026-11-20T10:15:03.120431+00:00",
      from: "Shop <orders@example-shop.test>",
      to: ["Ana <ana@example.org>"],
      subject: "Order 4411",
      headers: [
        { name: "X-Tags", value: '["order"]' },
        { name: "X-Metadata", value: '{"order":4411}' },
      ],
      ...data,
    },
  };
}
