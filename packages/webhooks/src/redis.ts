/**
 * @anymail/webhooks/redis: a {@link ReplayStore} on Redis, so several webhook processes
 * handle each delivery once.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * import { createRedisReplayStore } from "@anymail/webhooks/redis";
 *
 * const anymail = createWebhookHandler({
 *   providers: [resendWebhooks()],
 *   replayStore: createRedisReplayStore({ connection: { host: "127.0.0.1", port: 6379 } }),
 *   onTracking,
 * });
 * ```
 * @module
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { AnymailConfigurationError, AnymailError, AnymailImproperlyInstalled } from "@anymail/core";
import type { ReplayStore } from "./replay-store.js";

/**
 * The few ioredis calls the store makes; an ioredis `Redis` or `Cluster` instance fits.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * const client: RedisReplayClient = new Redis();
 * ```
 */
export interface RedisReplayClient {
  set(...args: never[]): Promise<unknown>;
  get(...args: never[]): Promise<string | null>;
  eval(...args: never[]): Promise<unknown>;
  quit(): Promise<unknown>;
}

/** The calls as the store makes them. */
interface Calls {
  set(key: string, value: string, ...args: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  quit(): Promise<unknown>;
}

/**
 * Options of {@link createRedisReplayStore}.
 *
 * @example
 * ```ts
 * const options: RedisReplayStoreOptions = { connection: { host: "127.0.0.1", port: 6379 }, ttlSeconds: 86_400 };
 * ```
 */
export interface RedisReplayStoreOptions {
  /** ioredis options (a connection is opened on first use), or an ioredis instance to share. */
  connection: Record<string, unknown> | RedisReplayClient;
  /** How long a handled delivery id is remembered. Default 24 hours (ESPs retry for about a day). */
  ttlSeconds?: number;
  /** Key prefix. Default `"anymail:webhook:"`. */
  prefix?: string;
  /**
   * How long one process holds a delivery it is handling before another may take it (when
   * the first crashed or its handler failed). Longer than your slowest handler. Default 60 000.
   */
  claimMs?: number;
  /**
   * How long a concurrent copy of a delivery waits for the process handling it. When that
   * one is still busy, the copy is answered 500 and the ESP delivers it again later. Default 10 000.
   */
  waitMs?: number;
}

/**
 * A {@link ReplayStore} with `close()`.
 *
 * @example
 * ```ts
 * const store: RedisReplayStore = createRedisReplayStore({ connection });
 * process.on("SIGTERM", () => store.close());
 * ```
 */
export interface RedisReplayStore extends ReplayStore {
  /** Closes the connection the store opened (a shared instance is left open). */
  close(): Promise<void>;
}

// Marks a delivery handled unless this process's claim was lost and another process
// already finished it; "done" is final either way.
const DONE = `redis.call('SET', KEYS[1], 'done', 'EX', ARGV[1]) return 1`;

/**
 * A replay store shared by every process through Redis. Unlike a plain "seen" set it also
 * covers deliveries that arrive at two processes at once: the first claims the id, and the
 * other waits for it and answers "already handled" instead of running the handler again.
 * A claim whose handler failed expires after `claimMs`, so the ESP's redelivery is handled.
 *
 * @example
 * ```ts
 * import { createRedisReplayStore } from "@anymail/webhooks/redis";
 *
 * const replayStore = createRedisReplayStore({
 *   connection: { host: "127.0.0.1", port: 6379 },
 *   ttlSeconds: 48 * 3_600,
 * });
 * createWebhookHandler({ providers: [resendWebhooks()], replayStore, onTracking });
 * ```
 */
export function createRedisReplayStore(options: RedisReplayStoreOptions): RedisReplayStore {
  const ttlSeconds = options.ttlSeconds ?? 24 * 60 * 60;
  const claimMs = options.claimMs ?? 60_000;
  const waitMs = options.waitMs ?? 10_000;
  const prefix = options.prefix ?? "anymail:webhook:";
  for (const [name, value] of [
    ["ttlSeconds", ttlSeconds],
    ["claimMs", claimMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new AnymailConfigurationError(
        `createRedisReplayStore: ${name} must be a positive whole number, got ${value}`,
      );
    }
  }
  if (typeof options.connection !== "object" || options.connection === null) {
    throw new AnymailConfigurationError(
      "createRedisReplayStore needs a connection: ioredis options or an ioredis instance",
    );
  }
  const shared = isClient(options.connection) ? options.connection : undefined;
  let owned: RedisReplayClient | undefined;
  const client = (): Calls => {
    if (shared) return shared as unknown as Calls;
    owned ??= openClient(options.connection as Record<string, unknown>);
    return owned as unknown as Calls;
  };

  return {
    async has(key) {
      const redisKey = prefix + key;
      const deadline = Date.now() + waitMs;
      for (;;) {
        const claimed = await client().set(
          redisKey,
          `pending:${randomUUID()}`,
          "PX",
          claimMs,
          "NX",
        );
        if (claimed === "OK") return false;
        const state = await client().get(redisKey);
        if (state === "done") return true;
        if (state !== null && Date.now() >= deadline) {
          throw new AnymailError(
            `Webhook delivery ${key} is still being handled by another process; answer 500 so the ESP retries`,
          );
        }
        if (state !== null) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async add(key) {
      await client().eval(DONE, 1, prefix + key, ttlSeconds);
    },
    async close() {
      if (owned) await owned.quit();
      owned = undefined;
    },
  };
}

function isClient(value: object): value is RedisReplayClient {
  return typeof (value as RedisReplayClient).set === "function";
}

function openClient(options: Record<string, unknown>): RedisReplayClient {
  let Redis: new (options: Record<string, unknown>) => RedisReplayClient;
  try {
    const loaded = createRequire(import.meta.url)("ioredis") as {
      Redis?: typeof Redis;
      default?: typeof Redis;
    };
    Redis = (loaded.Redis ?? loaded.default ?? loaded) as typeof Redis;
  } catch (error) {
    throw new AnymailImproperlyInstalled("ioredis", "the Redis replay store", {
      cause: error,
      install: "npm install ioredis@5",
    });
  }
  const client = new Redis(options) as RedisReplayClient & {
    on?(event: "error", listener: (error: Error) => void): unknown;
  };
  // Commands reject while Redis is down (the webhook answers 500 and the ESP retries);
  // without a listener ioredis would also print every reconnect failure.
  client.on?.("error", () => {});
  return client;
}
