import { randomUUID } from "node:crypto";
import {
  type AnymailAPIError,
  AnymailError,
  type EmailMessage,
  type Mailer,
  type PreparedMessage,
  type SendResult,
} from "@anymail/core";
import type { Job } from "bullmq";
import { decodeMessage, decodeResult, type Encoded, encodeResult } from "../codec.js";
import type { MailQueueConnection } from "../connection.js";
import { deserializeError, type StoredError, serializeError, toAnymailError } from "../errors.js";
import { isMailJobData } from "../job-data.js";
import { openRedis } from "../redis-client.js";
import { isRateLimited, shouldRetry } from "../retry-policy.js";
import { createSharedLimiter, sleep } from "./shared-limiter.js";

// Claims each job for the batch unless it already belongs to one, and records the batch's
// members in order, in one step: a job is never in two batches.
const CLAIM = `
local claimed = {}
for i = 4, #ARGV do
  if redis.call('SET', ARGV[3] .. ARGV[i], ARGV[1], 'NX', 'EX', ARGV[2]) then
    redis.call('RPUSH', KEYS[1], ARGV[i])
    claimed[#claimed + 1] = ARGV[i]
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return claimed
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Outcome = { ok: true; result: SendResult } | { ok: false; error: AnymailError };
type StoredOutcome = { ok: true; result: Encoded } | { ok: false; error: StoredError };

interface Member {
  jobId: string;
  message: EmailMessage;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}

/** Options of {@link createBatchCoordinator}. */
export interface BatchCoordinatorOptions {
  connection: MailQueueConnection;
  /** `<prefix>:<queue name>`: BullMQ's key prefix for this queue's jobs. */
  prefix: string;
  mailer: Mailer;
  max?: number;
  windowMs: number;
  rateLimit?: { max: number; durationMs: number };
  lockDurationMs: number;
  /** How long batch records live: the idempotency window. */
  ttlSeconds?: number;
  onRateLimited(waitMs: number, error: AnymailError): void;
}

/** Gives up re-sending after this many 429s in a row; the job then backs off in BullMQ. */
const MAX_RATE_LIMITED = 50;

/**
 * Worker-side coalescing. Jobs this worker holds wait together (at least `windowMs`, and
 * until the shared rate limit grants this worker a call, so a busy queue fills each call up
 * to `max`); a group is claimed in Redis as one batch (its members and key) before
 * anything is sent. A batch is sent by one worker at a time and its per-message outcomes
 * are stored, so a member job retried anywhere, after its worker was killed, repeats that
 * batch with the same key (the ESP answers from its idempotency cache) or completes from
 * the stored outcomes, never joining another batch.
 */
export function createBatchCoordinator(options: BatchCoordinatorOptions) {
  const { mailer, prefix } = options;
  const provider = mailer.provider;
  const batchSize = provider.batch?.maxMessages ?? 1;
  const max = Math.max(1, Math.min(options.max ?? batchSize, batchSize));
  const ttlSeconds = options.ttlSeconds ?? 24 * 60 * 60;
  const lockMs = options.lockDurationMs;
  const redis = openRedis(options.connection);
  redis.on("error", () => {});
  const limiter = createSharedLimiter(redis, `${prefix}:anymail:limiter`, options.rateLimit);
  const memberPrefix = `${prefix}:anymail:member:`;
  const batchKey = (id: string) => `${prefix}:anymail:batch:${id}`;
  const group: Member[] = [];
  let pumping = false;
  let closed = false;

  function batchable(prepared: PreparedMessage): boolean {
    if (!provider.sendBatch || !provider.batch || prepared.isBatch) return false;
    return provider.batch.accepts?.(prepared) ?? true;
  }

  async function send(job: Job, message: EmailMessage): Promise<SendResult> {
    const jobId = job.id!;
    const existing = await redis.get(memberPrefix + jobId);
    if (existing) return replay(existing, jobId);
    const prepared = mailer.prepare(message);
    if (max < 2 || !batchable(prepared)) {
      return limited(() => mailer.send(message, { retry: false }));
    }
    return new Promise<SendResult>((resolve, reject) => {
      group.push({ jobId, message, resolve, reject });
      if (!pumping) void pump();
    });
  }

  /**
   * Takes one call slot at a time from the shared limiter and fills it with up to `max`
   * waiting jobs: the jobs that arrive while this worker waits for its slot ride along.
   */
  async function pump(): Promise<void> {
    pumping = true;
    try {
      if (!closed) await sleep(options.windowMs);
      while (group.length > 0) {
        if (!closed) await limiter.take();
        void runGroup(group.splice(0, max), true);
      }
    } catch (error) {
      for (const m of group.splice(0)) m.reject(error);
    } finally {
      pumping = false;
    }
  }

  async function runGroup(members: Member[], slotTaken: boolean): Promise<void> {
    try {
      const batchId = `anymail-batch-${randomUUID()}`;
      const claimed = (await redis.eval(
        CLAIM,
        1,
        batchKey(batchId),
        batchId,
        ttlSeconds,
        memberPrefix,
        ...members.map((m) => m.jobId),
      )) as string[];
      const claimedSet = new Set(claimed);
      const inBatch = members.filter((m) => claimedSet.has(m.jobId));
      // Claimed meanwhile by another batch (a job taken over twice): follow that batch.
      for (const m of members) {
        if (claimedSet.has(m.jobId)) continue;
        redis
          .get(memberPrefix + m.jobId)
          .then((other) =>
            other
              ? replay(other, m.jobId)
              : limited(() => mailer.send(m.message, { retry: false })),
          )
          .then(m.resolve, m.reject);
      }
      if (inBatch.length === 0) return;
      const outcomes = await runBatch(
        batchId,
        inBatch.map((m) => m.message),
        undefined,
        slotTaken,
      );
      for (const [i, m] of inBatch.entries()) settle(m, outcomes[i]);
    } catch (error) {
      for (const m of members) m.reject(error);
    }
  }

  function settle(member: Pick<Member, "resolve" | "reject">, outcome: Outcome | undefined): void {
    if (!outcome) member.reject(new AnymailError("The batch has no outcome for this message"));
    else if (outcome.ok) member.resolve(outcome.result);
    else member.reject(outcome.error);
  }

  /** Completes a job from its recorded batch, rebuilt from every member's job data. */
  async function replay(batchId: string, jobId: string): Promise<SendResult> {
    const ids = await redis.lrange(batchKey(batchId), 0, -1);
    const index = ids.indexOf(jobId);
    if (index < 0) {
      // The batch record outlived its window: nothing of it can be repeated safely.
      throw new AnymailError(
        `Job ${jobId} belonged to batch ${batchId}, which is no longer recorded; not re-sent`,
        { provider: provider.name },
      );
    }
    const outcomes = await runBatch(batchId, undefined, ids);
    return new Promise<SendResult>((resolve, reject) => {
      settle({ resolve, reject }, outcomes[index]);
    });
  }

  async function loadMessages(ids: string[]): Promise<EmailMessage[]> {
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hget(`${prefix}:${id}`, "data");
    const rows = (await pipeline.exec()) ?? [];
    return rows.map(([error, raw], i) => {
      const data = error || typeof raw !== "string" ? undefined : JSON.parse(raw);
      if (!isMailJobData(data)) {
        throw new AnymailError(
          `Batch member ${ids[i]} is gone from Redis; the batch can't be repeated exactly, so it is not re-sent`,
          { provider: provider.name },
        );
      }
      return { ...decodeMessage(data.message), idempotencyKey: data.key };
    });
  }

  async function runBatch(
    batchId: string,
    messages: EmailMessage[] | undefined,
    ids?: string[],
    slotTaken = false,
  ): Promise<Outcome[]> {
    const resultKey = `${batchKey(batchId)}:result`;
    const lockKey = `${batchKey(batchId)}:lock`;
    const token = randomUUID();
    for (;;) {
      const stored = await redis.get(resultKey);
      if (stored) return (JSON.parse(stored) as StoredOutcome[]).map(revive);
      if ((await redis.set(lockKey, token, "PX", lockMs, "NX")) !== "OK") {
        await sleep(100);
        continue;
      }
      const renew = setInterval(
        () => void redis.pexpire(lockKey, lockMs).catch(() => {}),
        lockMs / 3,
      );
      try {
        const again = await redis.get(resultKey);
        if (again) return (JSON.parse(again) as StoredOutcome[]).map(revive);
        const list =
          messages ?? (await loadMessages(ids ?? (await redis.lrange(batchKey(batchId), 0, -1))));
        const outcomes = await sendBatchLimited(list, batchId, slotTaken);
        if (outcomes.every(isFinal)) {
          await redis.set(resultKey, JSON.stringify(outcomes.map(store)), "EX", ttlSeconds);
        }
        return outcomes;
      } finally {
        clearInterval(renew);
        await redis.eval(RELEASE, 1, lockKey, token).catch(() => {});
      }
    }
  }

  async function sendBatchLimited(
    messages: EmailMessage[],
    batchId: string,
    slotTaken: boolean,
  ): Promise<Outcome[]> {
    let outcomes: Outcome[] = [];
    for (let round = 0; round < MAX_RATE_LIMITED; round++) {
      if (round > 0 || !slotTaken) await limiter.take();
      const sent = await mailer.sendBatch(messages, { idempotencyKey: batchId, retry: false });
      outcomes = sent.map(
        (o): Outcome => (o.ok ? { ok: true, result: o.result } : { ok: false, error: o.error }),
      );
      const limitedBy = outcomes.find((o) => !o.ok && isRateLimited(o.error));
      if (!limitedBy || limitedBy.ok) return outcomes;
      await pauseFor(limitedBy.error);
    }
    return outcomes;
  }

  async function limited(call: () => Promise<SendResult>): Promise<SendResult> {
    for (let round = 0; ; round++) {
      await limiter.take();
      try {
        return await call();
      } catch (thrown) {
        const error = toAnymailError(thrown, provider.name);
        if (!isRateLimited(error) || round >= MAX_RATE_LIMITED) throw error;
        await pauseFor(error);
      }
    }
  }

  async function pauseFor(error: AnymailError): Promise<void> {
    const waitMs = (error as AnymailAPIError).retryAfterMs ?? 1_000;
    options.onRateLimited(waitMs, error);
    await limiter.pause(waitMs);
  }

  function isFinal(outcome: Outcome): boolean {
    return outcome.ok || !(isRateLimited(outcome.error) || shouldRetry(outcome.error, provider));
  }

  return {
    max,
    send,
    async close(): Promise<void> {
      closed = true;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function store(outcome: Outcome): StoredOutcome {
  return outcome.ok
    ? { ok: true, result: encodeResult(outcome.result) }
    : { ok: false, error: serializeError(outcome.error) };
}

function revive(stored: StoredOutcome): Outcome {
  return stored.ok
    ? { ok: true, result: decodeResult(stored.result) }
    : { ok: false, error: deserializeError(stored.error) };
}
