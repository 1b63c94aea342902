import {
  AnymailAPIError,
  type AnymailError,
  createMailer,
  type EmailMessage,
  isAnymailError,
  type SendResult,
} from "@anymail/core";
import { createTestProvider } from "@anymail/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMailQueue, createMailWorker } from "../src/index.js";
import { startRedis, type TestRedis } from "./support/redis-server.js";
import { until } from "./support/until.js";

let redis: TestRedis;
let names = 0;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const handle of open.splice(0).reverse()) await handle.close();
});
afterAll(async () => {
  await redis?.stop();
});

const message: EmailMessage = {
  from: "Shop <shop@example.com>",
  to: "ana@example.org",
  subject: "Your order",
  text: "Thanks!",
};

function setup(providerOptions: Parameters<typeof createTestProvider>[0] = {}) {
  const provider = createTestProvider(providerOptions);
  const mailer = createMailer({ provider });
  const name = `q${++names}`;
  const queue = createMailQueue({ connection: redis.connection, name, mailer, backoffMs: 20 });
  open.push(queue);
  const startWorker = (extra: Partial<Parameters<typeof createMailWorker>[0]> = {}) => {
    const worker = createMailWorker({ connection: redis.connection, name, mailer, ...extra });
    open.push(worker);
    const sent: [string, SendResult][] = [];
    const failed: [string, AnymailError][] = [];
    worker.on("sent", (id, result) => sent.push([id, result]));
    worker.on("failed", (id, error) => failed.push([id, error]));
    return { worker, sent, failed };
  };
  return { provider, mailer, queue, name, startWorker };
}

describe("createMailQueue: enqueue", () => {
  it("refuses an invalid message to the caller and stores nothing", async () => {
    const { queue } = setup({ features: { unsupported: ["trackOpens"], quirks: [] } });
    await expect(queue.enqueue({ ...message, to: "not an address" })).rejects.toMatchObject({
      code: "invalid_address",
    });
    await expect(queue.enqueue({ ...message, trackOpens: true })).rejects.toMatchObject({
      code: "unsupported_feature",
      message: "Test does not support trackOpens",
    });
    expect(await queue.counts()).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: 0,
      failed: 0,
    });
  });

  it("without a mailer still validates the message itself", async () => {
    const queue = createMailQueue({ connection: redis.connection, name: `q${++names}` });
    open.push(queue);
    await expect(
      queue.enqueue({ ...message, subject: "a\r\nBcc: x@evil.example" }),
    ).rejects.toMatchObject({
      code: "serialization_error",
    });
  });

  it("one idempotency key is one job, however often it is enqueued", async () => {
    const { queue } = setup();
    const first = await queue.enqueue(message, { idempotencyKey: "order-1" });
    const again = await queue.enqueue(
      { ...message, subject: "changed" },
      { idempotencyKey: "order-1" },
    );
    const other = await queue.enqueue(message, { idempotencyKey: "order-2" });
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect((await queue.counts()).waiting).toBe(2);
    const job = await queue.job(first.id);
    expect(job?.idempotencyKey).toBe("order-1");
    expect(job?.message.subject).toBe("Your order");
  });

  it("stores bytes and dates faithfully, and delays when asked", async () => {
    const { queue } = setup();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const sendAt = new Date("2030-01-02T03:04:05Z");
    const { id } = await queue.enqueue(
      { ...message, sendAt, attachments: [{ filename: "a.bin", content: bytes }] },
      { delayMs: 60_000 },
    );
    const job = await queue.job(id);
    expect(job?.state).toBe("delayed");
    expect(job?.message.sendAt).toEqual(sendAt);
    expect(job?.message.attachments?.[0]?.content).toEqual(bytes);
  });

  it("rejects a bad key, a bad delay and a bad queue name with typed errors", async () => {
    const { queue } = setup();
    await expect(queue.enqueue(message, { idempotencyKey: "a\nb" })).rejects.toMatchObject({
      code: "serialization_error",
    });
    await expect(queue.enqueue(message, { delayMs: -1 })).rejects.toMatchObject({
      code: "serialization_error",
    });
    expect(() => createMailQueue({ connection: redis.connection, name: "a:b" })).toThrowError(
      expect.objectContaining({ code: "configuration_error" }),
    );
  });
});

describe("createMailWorker", () => {
  it("sends each job once with its stored key and emits sent with the result", async () => {
    const { queue, provider, startWorker } = setup();
    const ids = await Promise.all(
      [1, 2, 3].map((i) =>
        queue.enqueue({ ...message, to: `r${i}@example.org` }, { idempotencyKey: `k-${i}` }),
      ),
    );
    const { sent } = startWorker({ concurrency: 2 });
    await until("3 sent", () => sent.length === 3);
    expect(provider.outbox.map((e) => e.idempotencyKey).sort()).toEqual(["k-1", "k-2", "k-3"]);
    const job = await queue.job(ids[0]!.id);
    expect(job?.state).toBe("completed");
    expect(job?.result?.recipients["r1@example.org"]?.status).toBe("sent");
    expect(job?.result?.status).toEqual(new Set(["sent"]));
    expect((await queue.counts()).completed).toBe(3);
  });

  it("retries a retryable error with the same key, then succeeds", async () => {
    let failures = 2;
    const { queue, provider, startWorker } = setup({
      respond() {
        if (failures-- > 0) {
          throw new AnymailAPIError("busy", { statusCode: 503, retryable: true, provider: "Test" });
        }
        return undefined;
      },
    });
    const { id } = await queue.enqueue(message, { idempotencyKey: "retry-me" });
    const { worker, sent } = startWorker();
    const retrying: string[] = [];
    worker.on("retrying", (jobId) => retrying.push(jobId));
    await until("sent", () => sent.length === 1);
    expect(provider.calls.map((c) => c.idempotencyKey)).toEqual([
      "retry-me",
      "retry-me",
      "retry-me",
    ]);
    expect(retrying).toEqual([id, id]);
    expect((await queue.job(id))?.attemptsMade).toBe(3);
  });

  it("fails a non-retryable error at once, keeping the typed error on the job; a manual retry sends it", async () => {
    let refuse = true;
    const { queue, provider, startWorker } = setup({
      respond() {
        if (refuse) {
          throw new AnymailAPIError("Test API error 422: bad from", {
            statusCode: 422,
            providerCode: "validation_error",
            provider: "Test",
            response: { status: 422, headers: {}, body: { message: "bad from" } },
          });
        }
        return undefined;
      },
    });
    const { id } = await queue.enqueue(message, { idempotencyKey: "bad-1" });
    const { failed, sent } = startWorker();
    await until("failed", () => failed.length === 1);
    expect(provider.calls).toHaveLength(1);
    const [failedId, error] = failed[0]!;
    expect(failedId).toBe(id);
    expect(isAnymailError(error, "api_error")).toBe(true);
    const job = await queue.job(id);
    expect(job?.state).toBe("failed");
    expect(job?.error).toBeInstanceOf(AnymailAPIError);
    expect(job?.error).toMatchObject({
      code: "api_error",
      statusCode: 422,
      providerCode: "validation_error",
      provider: "Test",
      retryable: false,
      message: "Test API error 422: bad from",
      response: { status: 422, body: { message: "bad from" } },
    });

    refuse = false;
    await queue.retry(id);
    await until("sent after manual retry", () => sent.length === 1);
    expect(provider.calls.map((c) => c.idempotencyKey)).toEqual(["bad-1", "bad-1"]);
    expect((await queue.job(id))?.state).toBe("completed");
  });

  it("a retryable error that exhausts its attempts ends failed with that error", async () => {
    const { queue, startWorker } = setup({
      respond() {
        throw new AnymailAPIError("down", { statusCode: 500, retryable: true, provider: "Test" });
      },
    });
    const small = createMailQueue({
      connection: redis.connection,
      name: queue.name,
      attempts: 2,
      backoffMs: 5,
    });
    open.push(small);
    const { id } = await small.enqueue(message);
    const { failed } = startWorker();
    await until("failed", () => failed.length === 1);
    expect(failed[0]![1]).toMatchObject({ statusCode: 500, retryable: true });
    expect((await queue.job(id))?.attemptsMade).toBe(2);
  });

  it("a 429 pauses the whole queue, every worker, for its retry-after", async () => {
    const calls: number[] = [];
    let limited = true;
    const { queue, startWorker } = setup({
      respond() {
        calls.push(Date.now());
        if (limited) {
          limited = false;
          throw new AnymailAPIError("slow down", {
            statusCode: 429,
            providerCode: "rate_limit_exceeded",
            retryable: true,
            retryAfterMs: 800,
            provider: "Test",
          });
        }
        return undefined;
      },
    });
    for (let i = 0; i < 4; i++) await queue.enqueue({ ...message, to: `r${i}@example.org` });
    const a = startWorker({ concurrency: 1 });
    const b = startWorker({ concurrency: 1 });
    const rateLimited: number[] = [];
    let pausedAt = 0;
    const onLimited = (ms: number) => {
      rateLimited.push(ms);
      pausedAt = Date.now();
    };
    a.worker.on("rateLimited", onLimited);
    b.worker.on("rateLimited", onLimited);
    await until("all sent", () => a.sent.length + b.sent.length === 4);
    expect(rateLimited).toEqual([800]);
    // Calls already started when the 429 came back may finish; after the pause is set, no
    // worker starts one until the retry-after has passed.
    const later = calls.filter((t) => t > pausedAt + 20);
    expect(later.length).toBeGreaterThanOrEqual(1);
    for (const t of later) expect(t - pausedAt).toBeGreaterThanOrEqual(750);
    // A 429 wait is not an attempt.
    const counts = await queue.counts();
    expect(counts.completed).toBe(4);
  });

  it("a quota 429 (not retryable) fails at once", async () => {
    const { queue, startWorker } = setup({
      respond() {
        throw new AnymailAPIError("quota", {
          statusCode: 429,
          providerCode: "daily_quota_exceeded",
          retryable: false,
          provider: "Test",
        });
      },
    });
    await queue.enqueue(message);
    const { failed } = startWorker();
    await until("failed", () => failed.length === 1);
    expect(failed[0]![1]).toMatchObject({ providerCode: "daily_quota_exceeded" });
  });

  it("refuses a mailer that isn't one, and bad numbers", () => {
    const name = `q${++names}`;
    expect(() =>
      createMailWorker({ connection: redis.connection, name, mailer: {} as never }),
    ).toThrowError(expect.objectContaining({ code: "configuration_error" }));
    const mailer = createMailer({ provider: createTestProvider() });
    expect(() =>
      createMailWorker({ connection: redis.connection, name, mailer, concurrency: 0 }),
    ).toThrowError(/concurrency/);
    expect(() =>
      createMailWorker({
        connection: redis.connection,
        name,
        mailer,
        rateLimit: { max: 0, durationMs: 1 },
      }),
    ).toThrowError(/rateLimit/);
  });
});
