import { AnymailConfigurationError } from "@anymail/core";

/**
 * Remembers delivery ids that were handled successfully, so a redelivery of the same
 * event is acknowledged without calling the handler again. Implement it over Redis or a
 * database table to share it between processes.
 *
 * @example
 * ```ts
 * const redisStore: ReplayStore = {
 *   has: async (key) => (await redis.exists(`anymail:${key}`)) === 1,
 *   add: async (key) => void (await redis.set(`anymail:${key}`, "1", { EX: 86_400 })),
 * };
 * ```
 */
export interface ReplayStore {
  /** Whether `key` was recorded (and has not expired). */
  has(key: string): boolean | Promise<boolean>;
  /** Records `key`; called only after every handler for the delivery succeeded. */
  add(key: string): void | Promise<void>;
}

/**
 * Options of {@link createMemoryReplayStore}.
 *
 * @example
 * ```ts
 * const options: MemoryReplayStoreOptions = { max: 50_000, ttlMs: 48 * 3_600_000 };
 * ```
 */
export interface MemoryReplayStoreOptions {
  /** Most ids kept; the oldest are forgotten first. Default 10 000. */
  max?: number;
  /** How long an id is remembered, in milliseconds. Default 24 hours (ESPs retry for about a day). */
  ttlMs?: number;
}

/**
 * An in-process {@link ReplayStore}: bounded, with expiry. It forgets on restart and is
 * not shared between processes; it is the default of `createWebhookHandler`.
 *
 * @example
 * ```ts
 * const anymail = createWebhookHandler({
 *   providers: [resendWebhooks()],
 *   replayStore: createMemoryReplayStore({ max: 50_000, ttlMs: 48 * 3_600_000 }),
 *   onTracking,
 * });
 * ```
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const max = options.max ?? 10_000;
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  if (!Number.isInteger(max) || max < 1) {
    throw new AnymailConfigurationError(
      `createMemoryReplayStore: max must be a positive integer, got ${max}`,
    );
  }
  if (!(ttlMs > 0)) {
    throw new AnymailConfigurationError(
      `createMemoryReplayStore: ttlMs must be positive, got ${ttlMs}`,
    );
  }
  // Map iteration order is insertion order, so the first key is always the oldest.
  const expiries = new Map<string, number>();

  return {
    has(key) {
      const expiry = expiries.get(key);
      if (expiry === undefined) return false;
      if (expiry > Date.now()) return true;
      expiries.delete(key);
      return false;
    },
    add(key) {
      expiries.delete(key);
      expiries.set(key, Date.now() + ttlMs);
      while (expiries.size > max) {
        const oldest = expiries.keys().next().value;
        if (oldest === undefined) break;
        expiries.delete(oldest);
      }
    },
  };
}
