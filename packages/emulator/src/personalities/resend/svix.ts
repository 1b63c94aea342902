import { randomBytes } from "node:crypto";
import { EmulatorError } from "../../errors.js";
import {
  generateWebhookSecret,
  svixKey,
  svixSigner,
} from "../../internal/webhooks/svix-signature.js";
import type { EmittedEvent, WebhookEndpoint, WebhookPayload } from "../../types.js";
import type { OutgoingWebhook } from "../personality.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += BASE62[byte % 62];
  return text;
}

// A random per-process prefix plus a counter: unique like Svix's ids without paying for fresh
// random bytes on every event of the hot send path.
const ID_PREFIX = base62(randomBytes(12));
let idCounter = 0;

/** A Svix-style message id: `msg_` and 27 base62 characters. */
export function svixMessageId(): string {
  idCounter++;
  let counter = "";
  for (let n = idCounter; n > 0; n = Math.floor(n / 62)) counter = BASE62[n % 62] + counter;
  return `msg_${ID_PREFIX}${counter.padStart(15, "0")}`;
}

/** The configured `whsec_` secret after checking svix accepts it, or a fresh one. */
export function svixSecret(configured: string | undefined, url: string): string {
  const secret = configured ?? generateWebhookSecret();
  if (!svixKey(secret)) {
    throw new EmulatorError(
      "invalid_options",
      `Webhook secret for ${url} is not a valid secret: expected whsec_ followed by base64.`,
    );
  }
  return secret;
}

// Every endpoint and retry posts the same bytes: serialize each event once.
const bodies = new WeakMap<object, string>();
const signers = new Map<string, ReturnType<typeof svixSigner>>();

function signerFor(secret: string): ReturnType<typeof svixSigner> {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size > 1_000) signers.clear();
    signer = svixSigner(secret);
    signers.set(secret, signer);
  }
  return signer;
}

/**
 * One svix-signed delivery. The `svix-id` stays the same across retries; the timestamp and
 * signature are fresh per attempt, and always wall-clock time (even under an injected clock):
 * receivers check it against their own clock with a 5-minute tolerance.
 */
export function svixRequest(
  endpoint: WebhookEndpoint,
  event: EmittedEvent<WebhookPayload>,
  sentAt: Date,
): OutgoingWebhook {
  let body = bodies.get(event);
  if (body === undefined) {
    body = JSON.stringify(event.payload);
    bodies.set(event, body);
  }
  const signature = signerFor(endpoint.secret)(event.eventId, sentAt, body);
  const timestamp = String(Math.floor(sentAt.getTime() / 1000));
  return {
    headers: {
      "content-type": "application/json",
      "user-agent": "Svix-Webhooks/1.99 (anymail-emulator)",
      "svix-id": event.eventId,
      "svix-timestamp": timestamp,
      "svix-signature": signature,
      "webhook-id": event.eventId,
      "webhook-timestamp": timestamp,
      "webhook-signature": signature,
    },
    body,
  };
}
