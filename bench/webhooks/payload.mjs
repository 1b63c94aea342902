// A realistic Resend tracking event and the svix signing used to deliver it.
import { generateWebhookSecret, svixSigner } from "@anymail/emulator/testing";

export const webhookPath = "/anymail/resend/tracking";

export const newSigningSecret = generateWebhookSecret;

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
 * svix's signature scheme (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`), from the
 * repository's one svix signer: it decodes the key once, so the load generator signs tens of
 * thousands of requests without becoming the bottleneck. `assertMatchesSvix` checks it against
 * the real svix library before any run.
 */
export const signer = svixSigner;

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
