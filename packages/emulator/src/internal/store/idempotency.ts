import type { SharedErrorCode } from "../../personalities/personality.js";

const LIFETIME_MS = 24 * 3_600_000;
const MAX_KEY_LENGTH = 256;

interface Entry {
  fingerprint: string;
  expiresAt: number;
  /** Undefined while the first request is still being processed. */
  response?: { status: number; body: string };
}

export type IdempotencyDecision =
  | { kind: "proceed" }
  | { kind: "replay"; status: number; body: string }
  | { kind: "error"; status: number; code: SharedErrorCode; message: string };

/**
 * Remembers idempotency keys for 24 h on the emulator clock. Keys are account-wide (as Resend
 * documents); the fingerprint is the endpoint plus a canonical form of the JSON body, so key
 * order and whitespace do not matter. Only successful responses are kept.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxKeys: number,
    private readonly now: () => number,
  ) {}

  begin(key: string, endpoint: string, body: unknown): IdempotencyDecision {
    if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
      return {
        kind: "error",
        status: 400,
        code: "invalid_idempotency_key",
        message: "The key must be between 1-256 chars.",
      };
    }
    const now = this.now();
    const fingerprint = `${endpoint}\n${canonicalJson(body)}`;
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) {
        return {
          kind: "error",
          status: 409,
          code: "invalid_idempotent_request",
          message:
            "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
        };
      }
      if (!existing.response) {
        return {
          kind: "error",
          status: 409,
          code: "concurrent_idempotent_requests",
          message:
            "Same idempotency key used while original request is still in progress. Try the request again later.",
        };
      }
      return { kind: "replay", ...existing.response };
    }
    this.entries.delete(key);
    this.entries.set(key, { fingerprint, expiresAt: now + LIFETIME_MS });
    this.evictOverflow();
    return { kind: "proceed" };
  }

  complete(key: string, status: number, body: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (status >= 200 && status < 300) entry.response = { status, body };
    else this.entries.delete(key);
  }

  abandon(key: string): void {
    const entry = this.entries.get(key);
    if (entry && !entry.response) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOverflow(): void {
    // Map iteration is insertion order, so the first keys are the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(key);
    }
  }
}

/** JSON with object keys sorted, so equal payloads compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
