// A realistic Resend tracking event and the svix signing used to deliver it.
import { createHmac, randomBytes } from "node:crypto";

export const webhookPath = "/anymail/resend/tracking";

export function newSigningSecret() {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export const deliveredEvent = JSON.stringify({
  type: "email.delivered",
  created_at: "2025-03-01T12:00:05.123Z",
  data: {
    created_at: "2025-03-01T12:00:00.000Z",
    email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
    from: "Shop <shop@example.com>",
    to: ["ana@example.org"],
    subject: "Your order #4411 has shipped",
    headers: [
      { name: "X-Tags", value: '["order","shipping"]' },
      { name: "X-Metadata", value: '{"orderId":4411,"customer":"ana"}' },
    ],
    tags: { category: "order" },
  },
});

/**
 * svix's signature scheme (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the
 * base64-decoded secret), done with node:crypto because the load generator must sign tens of
 * thousands of requests without becoming the bottleneck. `assertMatchesSvix` checks it against
 * the real svix library before any run.
 */
export function signer(secret) {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return (id, timestampSeconds, body) =>
    `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

export async function assertMatchesSvix(secret) {
  const { Webhook } = await import("svix");
  const webhook = new Webhook(secret);
  const id = "msg_check";
  const timestamp = new Date();
  const seconds = Math.floor(timestamp.getTime() / 1000);
  const ours = signer(secret)(id, seconds, deliveredEvent);
  const theirs = webhook.sign(id, timestamp, deliveredEvent);
  if (ours !== theirs) throw new Error(`signature mismatch with svix: ${ours} vs ${theirs}`);
  // And the real verifier accepts it.
  webhook.verify(deliveredEvent, {
    "svix-id": id,
    "svix-timestamp": String(seconds),
    "svix-signature": ours,
  });
}
