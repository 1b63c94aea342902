import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "./support/redis-server.js";
import { formatReport, runQueueSoak } from "./support/soak.js";

// The issue 14 figures: real worker processes, the Resend emulator with its rate limit and
// the reliability suite's fault mix, and one worker SIGKILLed mid-run.
const MESSAGES = 2_000;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("worker processes against the emulator", () => {
  it(`3 workers, ${MESSAGES} messages at 20 req/s with faults, one SIGKILLed: each email exactly once`, async () => {
    const report = await runQueueSoak({
      redis,
      messages: MESSAGES,
      workers: 3,
      requestsPerSecond: 20,
      rateLimit: { max: 20, durationMs: 1_000 },
      killAfter: Math.floor(MESSAGES / 4),
    });
    console.log(formatReport("queue soak", report));
    expect(report.killed).toBe(true);
    expect(report.completed).toBe(MESSAGES);
    expect(report.failed).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.stored).toBe(MESSAGES);
    // The faults really happened, or this proves nothing.
    expect(report.calls["500"] ?? 0).toBeGreaterThan(0);
    expect(report.calls.network ?? 0).toBeGreaterThan(0);
  }, 300_000);

  it(`with coalesce: ${MESSAGES} messages at 2 req/s, one worker SIGKILLed: each email exactly once`, async () => {
    const report = await runQueueSoak({
      redis,
      messages: MESSAGES,
      workers: 3,
      requestsPerSecond: 2,
      rateLimit: { max: 2, durationMs: 1_000 },
      coalesce: 100,
      concurrency: 100,
      killAfter: Math.floor(MESSAGES / 4),
    });
    console.log(formatReport("coalesced queue soak", report));
    expect(report.completed).toBe(MESSAGES);
    expect(report.failed).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.stored).toBe(MESSAGES);
    expect(report.calls.batched ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
