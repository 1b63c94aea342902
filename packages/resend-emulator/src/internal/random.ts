import { randomBytes } from "node:crypto";

/** A small seeded PRNG (mulberry32) so fault decisions replay exactly for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A Svix-style message id: `msg_` and 27 base62 characters. */
export function svixMessageId(): string {
  const bytes = randomBytes(27);
  let id = "msg_";
  for (const byte of bytes) id += BASE62[byte % 62];
  return id;
}

/** A `whsec_` secret over 24 random bytes, the size Svix recommends. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}
