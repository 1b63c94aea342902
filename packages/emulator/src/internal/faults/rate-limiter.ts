/** One request's standing in its rate-limit window. */
export interface RateLimitState {
  allowed: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Whole seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/** Fixed one-second windows per API key. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  take(apiKey: string): RateLimitState {
    const now = this.now();
    const start = now - (now % 1000);
    let window = this.windows.get(apiKey);
    if (!window || window.start !== start) {
      if (this.windows.size > 10_000) this.windows.clear();
      window = { start, count: 0 };
      this.windows.set(apiKey, window);
    }
    const allowed = window.count < this.limit;
    if (allowed) window.count++;
    return {
      allowed,
      limit: this.limit,
      remaining: this.limit - window.count,
      resetSeconds: Math.max(1, Math.ceil((start + 1000 - now) / 1000)),
    };
  }

  clear(): void {
    this.windows.clear();
  }
}

/** Emails per API key per UTC day. */
export class DailyQuota {
  private readonly used = new Map<string, { day: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  /** Reserves `count` emails; false (and nothing reserved) when that would exceed the quota. */
  reserve(apiKey: string, count: number): boolean {
    const day = Math.floor(this.now() / 86_400_000);
    let entry = this.used.get(apiKey);
    if (!entry || entry.day !== day) {
      entry = { day, count: 0 };
      this.used.set(apiKey, entry);
    }
    if (entry.count + count > this.limit) return false;
    entry.count += count;
    return true;
  }

  clear(): void {
    this.used.clear();
  }
}
