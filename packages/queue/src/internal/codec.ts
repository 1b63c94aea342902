import type { EmailMessage, SendResult } from "@anymail/core";

/** Markers that let bytes and dates survive JSON in Redis. */
const BYTES = "$anymail.bytes";
const DATE = "$anymail.date";

/** A JSON value as stored in a job. */
export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/**
 * Turns a message into plain JSON for Redis: `Uint8Array` becomes base64, `Date` an ISO
 * string, each tagged so {@link decode} restores the original type.
 */
export function encode(value: unknown): Encoded {
  if (value === null || typeof value !== "object") {
    return value === undefined ? null : (value as Encoded);
  }
  if (value instanceof Uint8Array) return { [BYTES]: Buffer.from(value).toString("base64") };
  if (value instanceof Date) return { [DATE]: value.toISOString() };
  if (Array.isArray(value)) return value.map(encode);
  const out: Record<string, Encoded> = {};
  for (const [key, item] of Object.entries(value)) {
    // `undefined` means unset in anymail: leave the key out rather than store null.
    if (item !== undefined) out[key] = encode(item);
  }
  return out;
}

/** Reverses {@link encode}. */
export function decode(value: Encoded): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decode);
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === BYTES && typeof value[BYTES] === "string") {
    return new Uint8Array(Buffer.from(value[BYTES], "base64"));
  }
  if (keys.length === 1 && keys[0] === DATE && typeof value[DATE] === "string") {
    return new Date(value[DATE]);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = decode(item);
  return out;
}

export const encodeMessage = (message: EmailMessage): Encoded => encode(message);
export const decodeMessage = (stored: Encoded): EmailMessage => decode(stored) as EmailMessage;

/** A SendResult as stored: its `status` Set as an array. */
export function encodeResult(result: SendResult): Encoded {
  return encode({ ...result, status: [...result.status] });
}

export function decodeResult(stored: unknown): SendResult {
  const plain = decode((stored ?? {}) as Encoded) as Omit<SendResult, "status"> & {
    status?: string[];
  };
  return { ...plain, status: new Set(plain.status ?? []) } as SendResult;
}
