import { AnymailAPIError, createMailer, type EmailMessage, type SendResult } from "@anymail/core";
import { createTestProvider } from "@anymail/core/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMailQueue, createMailWorker } from "../src/index.js";
import { startRedis, type TestRedis } from "./support/redis-server.js";
import { until } from "./support/until.js";

let redis: TestRedis;
let client: Redis;
let names = 0;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.connection);
});
afterEach(async () => {
  for (const handle of open.splice(0).reverse()) await handle.close();
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

const message = (i: number): EmailMessage => ({
  from: "shop@example.com",
  to: `r${i}@example.org`,
  subject: `n${i}`,
  text: "x",
});

function setup(providerOptions: Parameters<typeof createTestProvider>[0] = {}) {
  const provider = createTestProvider(providerOptions);
  const mailer = createMailer({ provider });
  const name = `c${++names}`;
  const queue = createMailQueue({ connection: redis.connection, name, mailer, backoffMs: 20 });
  open.push(queue);
  const sent = new Map<string, SendResult>();
  const failed = new Map<string, unknown>();
  const startWorker = (extra: Partial<Parameters<typeof createMailWorker>[0]> = {}) => {
    const worker = createMailWorker({
      connection: redis.connection,
      name,
      mailer,
      coalesce: { max: 50, windowMs: 30 },
      ...extra,
    });
    open.push(worker);
    worker.on("sent", (id, result) => sent.set(id, result));
    worker.on("failed", (id, error) => failed.set(id, error));
    return worker;
  };
  return { provider, queue, name, startWorker, sent, failed };
}

describe("createMailWorker({ coalesce })", () => {
  it("sends waiting jobs in shared batch calls; each job completes with its own result", async () => {
    const { provider, queue, startWorker, sent } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++)
      ids.push((await queue.enqueue(message(i), { idempotencyKey: `m${i}` })).id);
    startWorker();
    startWorker();
    await until("120 sent", () => sent.size === 120);
    expect(provider.outbox).toHaveLength(120);
    // Every call but a straggler carries several messages, never more than max.
    const sizes = provider.batchCalls.map((c) => c.messages.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(provider.batchCalls.length).toBeLessThan(20);
    ids.forEach((id, i) => {
      expect(Object.keys(sent.get(id)!.recipients)).toEqual([`r${i}@example.org`]);
    });
    // Each batch's composition and key were recorded before the call.
    const batchKeys = new Set(provider.batchCalls.map((c) => c.idempotencyKey));
    for (const key of batchKeys) {
      expect(key).toMatch(/^anymail-batch-/);
      expect(await client.llen(`anymail:${queue.name}:anymail:batch:${key}`)).toBeGreaterThan(1);
    }
  });

  it("a retried member repeats its batch with the same key and completes from it", async () => {
    let failures = 1;
    const { provider, queue, startWorker, sent } = setup({
      respondBatch() {
        if (failures-- > 0) {
          throw new AnymailAPIError("busy", { statusCode: 503, retryable: true, provider: "Test" });
        }
        return undefined;
      },
    });
    for (let i = 0; i < 5; i++) await queue.enqueue(message(i));
    startWorker({ coalesce: { max: 5, windowMs: 200 } });
    await until("5 sent", () => sent.size === 5);
    // The failed call and its repeat: same key, same messages in the same order.
    expect(provider.batchCalls).toHaveLength(2);
    const [first, second] = provider.batchCalls;
    expect(second!.idempotencyKey).toBe(first!.idempotencyKey);
    expect(second!.messages.map((m) => m.subject)).toEqual(first!.messages.map((m) => m.subject));
    expect(provider.outbox).toHaveLength(5);
  });

  it("a member the provider refused fails alone with its typed error", async () => {
    let refuse = true;
    const { queue, startWorker, sent, failed } = setup({
      respond(m) {
        if (refuse && m.subject === "n2") {
          throw new AnymailAPIError("bad r2", { statusCode: 422, provider: "Test" });
        }
        return undefined;
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await queue.enqueue(message(i))).id);
    startWorker({ coalesce: { max: 4, windowMs: 200 } });
    await until("settled", () => sent.size + failed.size === 4);
    expect([...failed.keys()]).toEqual([ids[2]]);
    expect((await queue.job(ids[2]!))?.error).toMatchObject({ statusCode: 422, message: "bad r2" });

    // A manual retry sends it afresh rather than replaying its batch's recorded failure.
    refuse = false;
    await queue.retry(ids[2]!);
    await until("sent after manual retry", () => sent.has(ids[2]!));
  });

  it("messages the batch can't carry go alone", async () => {
    const { provider, queue, startWorker, sent } = setup({
      batch: { maxMessages: 100, accepts: (m) => m.attachments.length === 0 },
    });
    await queue.enqueue(message(0));
    await queue.enqueue(message(1));
    await queue.enqueue({ ...message(2), attachments: [{ filename: "a.txt", content: "hi" }] });
    startWorker({ coalesce: { windowMs: 200 } });
    await until("3 sent", () => sent.size === 3);
    expect(provider.batchCalls.map((c) => c.messages.length)).toEqual([2]);
    expect(provider.outbox).toHaveLength(3);
  });

  it("rateLimit spaces provider calls across workers", async () => {
    // Every provider call counts against the limit: batch calls, and a message a worker
    // picked up alone (items inside a batch carry a `[i]` key and are not calls of their own).
    const times: number[] = [];
    const { queue, startWorker, sent } = setup({
      batch: { maxMessages: 2 },
      respond(_message, context) {
        if (!context.idempotencyKey.endsWith("]")) times.push(Date.now());
        return undefined;
      },
      respondBatch() {
        times.push(Date.now());
        return undefined;
      },
    });
    for (let i = 0; i < 8; i++) await queue.enqueue(message(i));
    const rateLimit = { max: 4, durationMs: 1_000 };
    startWorker({ rateLimit, coalesce: { windowMs: 20 } });
    startWorker({ rateLimit, coalesce: { windowMs: 20 } });
    await until("8 sent", () => sent.size === 8);
    times.sort((a, b) => a - b);
    // 8 messages in calls of at most 2: at least 4 calls (more when a worker takes one alone).
    // 4 per second = one call slot per 250 ms (plus 3% headroom), shared by both workers;
    // a call leaves a few ms after its slot, so measure the span, not each gap.
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * 250 - 60);
  });
});
