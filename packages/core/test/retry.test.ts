import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AnymailAPIError,
  createMailer,
  isAnymailError,
  isRetryableStatus,
  type RetryOptions,
  type SendResult,
} from "../src/index.js";
import { createTestProvider } from "../src/testing.js";

const message = { from: "a@example.com", to: "b@example.org", subject: "Hi" };

/** A provider that fails with the scripted errors, then succeeds. */
function scripted(errors: Error[]) {
  const queue = [...errors];
  return createTestProvider({
    respond: () => {
      const next = queue.shift();
      if (next) throw next;
      return undefined;
    },
  });
}

const rateLimited = (retryAfterMs?: number) =>
  new AnymailAPIError("Too many requests", {
    statusCode: 429,
    providerCode: "rate_limit_exceeded",
    retryable: true,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
const serverError = () =>
  new AnymailAPIError("Internal error", { statusCode: 503, retryable: isRetryableStatus(503) });
const networkError = () =>
  new AnymailAPIError("socket hang up", { kind: "network", retryable: true });

describe("isRetryableStatus", () => {
  it.each([408, 429, 500, 502, 503, 504, 599])("%i is retryable", (s) =>
    expect(isRetryableStatus(s)).toBe(true),
  );
  it.each([200, 400, 401, 403, 404, 409, 422, 600])("%i is not", (s) =>
    expect(isRetryableStatus(s)).toBe(false),
  );
});

describe("retries with fake timers", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const mailerFor = (provider: ReturnType<typeof scripted>, retry: RetryOptions = {}) => {
    const waits: number[] = [];
    const mailer = createMailer({
      provider,
      retry: { random: () => 0.5, ...retry },
      logger: (record) => {
        if (record.message === "retry wait") waits.push(record.delayMs as number);
      },
    });
    return { mailer, waits };
  };

  it("429 waits retry-after, then succeeds with the same idempotency key", async () => {
    const provider = scripted([rateLimited(2_000)]);
    const { mailer, waits } = mailerFor(provider);
    const sending = mailer.send(message);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(provider.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const result = await sending;
    expect(result.status).toEqual(new Set(["sent"]));
    expect(waits).toEqual([2_000]);
    expect(provider.calls.map((c) => c.attempt)).toEqual([1, 2]);
    const keys = new Set(provider.calls.map((c) => c.idempotencyKey));
    expect(keys.size).toBe(1);
  });

  it("caps retry-after at maxRetryAfterMs", async () => {
    const provider = scripted([rateLimited(600_000)]);
    const { mailer, waits } = mailerFor(provider, { maxRetryAfterMs: 5_000, deadlineMs: 100_000 });
    const sending = mailer.send(message);
    await vi.advanceTimersByTimeAsync(5_000);
    await sending;
    expect(waits).toEqual([5_000]);
  });

  it("5xx and network errors back off exponentially with jitter, capped", async () => {
    const provider = scripted([serverError(), networkError(), serverError(), serverError()]);
    const { mailer, waits } = mailerFor(provider, {
      attempts: 5,
      baseDelayMs: 1_000,
      maxDelayMs: 3_000,
    });
    const sending = mailer.send(message);
    await vi.runAllTimersAsync();
    await sending;
    // random() = 0.5 of min(3000, 1000 * 2^(n-1)).
    expect(waits).toEqual([500, 1_000, 1_500, 1_500]);
    expect(provider.calls).toHaveLength(5);
    expect(new Set(provider.calls.map((c) => c.idempotencyKey)).size).toBe(1);
  });

  it("uses the message's idempotencyKey for every attempt", async () => {
    const provider = scripted([serverError()]);
    const { mailer } = mailerFor(provider);
    const sending = mailer.send({ ...message, idempotencyKey: "order-4411" });
    await vi.runAllTimersAsync();
    await sending;
    expect(provider.calls.map((c) => c.idempotencyKey)).toEqual(["order-4411", "order-4411"]);
  });

  it("gives up after `attempts` and throws the last error", async () => {
    const provider = scripted([serverError(), serverError(), networkError()]);
    const { mailer } = mailerFor(provider, { attempts: 3 });
    const sending = mailer.send(message).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await sending;
    expect(isAnymailError(error, "api_error") && error.kind).toBe("network");
    expect(provider.calls).toHaveLength(3);
  });

  it.each([
    ["non-retryable 4xx", new AnymailAPIError("Bad", { statusCode: 422, retryable: false })],
    [
      "daily quota",
      new AnymailAPIError("Quota", {
        statusCode: 429,
        providerCode: "daily_quota_exceeded",
        retryable: false,
      }),
    ],
    [
      "monthly quota",
      new AnymailAPIError("Quota", {
        statusCode: 429,
        providerCode: "monthly_quota_exceeded",
        retryable: false,
      }),
    ],
  ])("%s is not retried", async (_label, failure) => {
    const provider = scripted([failure]);
    const { mailer } = mailerFor(provider);
    await expect(mailer.send(message)).rejects.toBe(failure);
    expect(provider.calls).toHaveLength(1);
  });

  it("retry: false makes a single attempt", async () => {
    const provider = scripted([serverError()]);
    const mailer = createMailer({ provider, retry: false });
    await expect(mailer.send(message)).rejects.toMatchObject({ statusCode: 503 });
    expect(provider.calls).toHaveLength(1);
  });

  it("never sleeps past the deadline: throws the last error instead", async () => {
    const provider = scripted([rateLimited(30_000)]);
    const { mailer, waits } = mailerFor(provider, { deadlineMs: 10_000 });
    await expect(mailer.send(message)).rejects.toMatchObject({ statusCode: 429 });
    expect(waits).toEqual([]);
    expect(provider.calls).toHaveLength(1);
  });

  it("an attempt still running at the deadline becomes a timeout error", async () => {
    let signal: AbortSignal | undefined;
    const provider = createTestProvider({
      respond: (_m, context) => {
        signal = context.signal;
        // A provider that ignores its signal: core must still settle on time.
        return new Promise<SendResult>(() => {});
      },
    });
    const mailer = createMailer({ provider, retry: { deadlineMs: 5_000 } });
    const sending = mailer.send(message).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await sending;
    expect(isAnymailError(error, "api_error")).toBe(true);
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(signal?.aborted).toBe(true);
  });

  it("passes the deadline to the provider", async () => {
    vi.setSystemTime(1_000_000);
    let deadline = 0;
    const provider = createTestProvider({
      respond: (_m, context) => {
        deadline = context.deadline;
        return undefined;
      },
    });
    await createMailer({ provider, retry: { deadlineMs: 7_000 } }).send(message);
    expect(deadline).toBe(1_007_000);
  });
});

describe("retry option validation", () => {
  it.each([{ attempts: 0 }, { attempts: 1.5 }, { deadlineMs: -1 }])("rejects %j", (retry) => {
    expect(() => createMailer({ provider: createTestProvider(), retry })).toThrow(/retry\./);
  });
});
