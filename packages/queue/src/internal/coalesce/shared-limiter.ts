import type { Redis } from "ioredis";

// Reserves the next free slot: returns how long the caller waits before its call. The slot
// time lives in Redis, so every worker process shares one schedule.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, nextAt)
local after = at + tonumber(ARGV[1])
redis.call('SET', KEYS[1], after, 'PX', after - now + 60000)
return at - now
`;

// Pushes every future slot back by at least ARGV[1] ms (after a 429).
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local until_ = now + tonumber(ARGV[1])
if until_ > nextAt then redis.call('SET', KEYS[1], until_, 'PX', until_ - now + 60000) end
return until_ - now
`;

/**
 * Spaces provider calls evenly across every worker of a queue: `max` per `durationMs`, with
 * 3% headroom so network jitter never packs one call too many into the ESP's window.
 */
export function createSharedLimiter(
  redis: Redis,
  key: string,
  rate: { max: number; durationMs: number } | undefined,
) {
  const intervalMs = rate ? Math.ceil((rate.durationMs * 1.03) / rate.max) : 0;
  return {
    /** Resolves when this caller may make one call. */
    async take(): Promise<void> {
      if (!rate) {
        // No rate: still honour a pause set after a 429.
        const waitMs = Number(await redis.eval(RESERVE, 1, key, 0));
        if (waitMs > 0) await sleep(waitMs);
        return;
      }
      const waitMs = Number(await redis.eval(RESERVE, 1, key, intervalMs));
      if (waitMs > 0) await sleep(waitMs);
    },
    /** Holds every worker's calls for `ms`. */
    async pause(ms: number): Promise<void> {
      await redis.eval(PAUSE, 1, key, Math.max(1, Math.ceil(ms)));
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
