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

/** A `whsec_` secret over 24 random bytes, the size Svix recommends. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}
