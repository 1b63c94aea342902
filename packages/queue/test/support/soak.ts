import type { ChildProcess } from "node:child_process";
import { createMailer } from "@anymail/core";
import { resend } from "@anymail/resend";
import { startResendEmulator } from "@anymail/emulator";
import { Redis } from "ioredis";
import { createMailQueue } from "../../src/index.js";
import { forkHelper, stopHelper } from "./fork.js";
import type { TestRedis } from "./redis-server.js";
import { until } from "./until.js";

/**
 * The reliability suite's fault mix (tests/reliability/src/soak.mjs, issue 8) as shares of
 * all requests: 15% 500s, 10% connection resets, 10% accepted-then-dropped responses.
 */
export const FAULT_MIX = {
  resetRate: 0.1,
  errorRate: 0.15 / 0.9,
  errorStatus: 500,
  dropResponseRate: 0.1 / 0.75,
};

export interface QueueSoakOptions {
  redis: TestRedis;
  messages: number;
  workers: number;
  /** The emulator's limit, requests per second. */
  requestsPerSecond: number;
  /** The workers' shared limit. */
  rateLimit: { max: number; durationMs: number };
  coalesce?: number;
  /** SIGKILL one worker once this many jobs completed, then start a replacement. */
  killAfter?: number;
  concurrency?: number;
  seed?: number;
}

export interface QueueSoakReport {
  messages: number;
  completed: number;
  failed: number;
  stored: number;
  lost: number;
  duplicated: number;
  killed: boolean;
  calls: Record<string, number>;
  rateLimited: number;
  durationMs: number;
}

/**
 * Enqueues `messages`, runs `workers` real worker processes against the emulator (its rate
 * limit and the fault mix on), optionally SIGKILLs one mid-run and starts another, then
 * reconciles what the emulator stored with what was enqueued.
 */
export async function runQueueSoak(options: QueueSoakOptions): Promise<QueueSoakReport> {
  const { redis, messages } = options;
  const endpoint = options.coalesce ? "POST /emails/batch" : "POST /emails";
  const emu = await startResendEmulator({
    port: 0,
    seed: options.seed ?? 14,
    rateLimit: { requestsPerSecond: options.requestsPerSecond },
    retention: { maxEmails: messages * 3, maxIdempotencyKeys: messages * 3 },
    faults: { [endpoint]: FAULT_MIX },
  });
  const client = new Redis(redis.connection);
  await client.flushall();
  const name = `soak${Date.now()}`;
  const mailer = createMailer({
    provider: resend({ apiKey: "re_queue_soak_key", apiUrl: emu.url }),
  });
  const queue = createMailQueue({
    connection: redis.connection,
    name,
    mailer,
    attempts: 20,
    backoffMs: 50,
  });
  const children: ChildProcess[] = [];
  const env = {
    REDIS_PORT: String(redis.port),
    EMULATOR_URL: emu.url,
    QUEUE: name,
    CONCURRENCY: String(options.concurrency ?? 8),
    RATE_MAX: String(options.rateLimit.max),
    RATE_MS: String(options.rateLimit.durationMs),
    ...(options.coalesce ? { COALESCE: String(options.coalesce) } : {}),
  };
  const startWorker = async () => {
    const { child } = await forkHelper("./mail-worker-process.mjs", env);
    children.push(child);
    return child;
  };
  let killed = false;
  try {
    for (let i = 0; i < messages; i++) {
      await queue.enqueue(
        {
          from: "Shop <shop@example.com>",
          to: `r${i}@example.org`,
          subject: `queue soak ${i}`,
          text: `message ${i}`,
          headers: { "X-Soak-Id": `${name}-${i}` },
        },
        { idempotencyKey: `${name}-${i}` },
      );
    }
    const started = performance.now();
    const first = await Promise.all(Array.from({ length: options.workers }, startWorker));
    if (options.killAfter !== undefined) {
      await until(
        `${options.killAfter} completed`,
        async () => (await queue.counts()).completed >= options.killAfter!,
        240_000,
      );
      first[0]!.kill("SIGKILL");
      killed = true;
      await startWorker();
    }
    await until(
      "every job finished",
      async () => {
        const c = await queue.counts();
        return c.completed + c.failed >= messages;
      },
      240_000,
    );
    const durationMs = Math.round(performance.now() - started);
    const counts = await queue.counts();
    const perMessage = new Map<string, number>();
    for (const email of emu.emails) {
      const id = email.headers?.["X-Soak-Id"] as string | undefined;
      if (id?.startsWith(`${name}-`)) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    }
    let lost = 0;
    let duplicated = 0;
    for (let i = 0; i < messages; i++) {
      const n = perMessage.get(`${name}-${i}`) ?? 0;
      if (n === 0) lost++;
      if (n > 1) duplicated += n - 1;
    }
    const raw = await client.hgetall("calls");
    const calls = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
    return {
      messages,
      completed: counts.completed,
      failed: counts.failed,
      stored: emu.emails.length,
      lost,
      duplicated,
      killed,
      calls,
      rateLimited: calls["429"] ?? 0,
      durationMs,
    };
  } finally {
    await Promise.all(children.map((c) => stopHelper(c)));
    await queue.close();
    await mailer.close();
    await client.quit();
    await emu.close();
  }
}

export function formatReport(title: string, r: QueueSoakReport): string {
  return [
    `${title}: ${r.messages} messages in ${(r.durationMs / 1000).toFixed(1)} s${r.killed ? ", one worker SIGKILLed and replaced" : ""}`,
    `  completed ${r.completed}, failed ${r.failed}, emails stored ${r.stored}, lost ${r.lost}, duplicated ${r.duplicated}`,
    `  provider calls by outcome: ${JSON.stringify(r.calls)}`,
    `  429s answered by the emulator: ${r.rateLimited}`,
  ].join("\n");
}
