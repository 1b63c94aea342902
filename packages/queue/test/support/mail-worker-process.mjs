// One mail worker process: createMailWorker + resend() pointed at the emulator. Every
// provider call's outcome is counted in Redis (HINCRBY survives a SIGKILL), so the test
// knows how many 429s the emulator answered across all workers.
import { createMailer, isAnymailError } from "@anymail/core";
import { createMailWorker } from "@anymail/queue";
import { resend } from "@anymail/resend";
import { Redis } from "ioredis";

const env = process.env;
const connection = { host: "127.0.0.1", port: Number(env.REDIS_PORT) };
const stats = new Redis(connection);

function label(error) {
  if (!isAnymailError(error)) return "untyped";
  if (error.statusCode !== undefined) return `${error.statusCode}`;
  return error.kind ?? error.code;
}

/** Counts each call (single or batch) by outcome, and passes everything else through. */
function counting(provider) {
  const count = (field, by = 1) => stats.hincrby("calls", field, by).catch(() => {});
  const wrapped = {
    name: provider.name,
    features: provider.features,
    // Resend de-duplicates retries by Idempotency-Key (as the emulator does).
    idempotent: provider.idempotent ?? true,
    send: async (message, context) => {
      try {
        const result = await provider.send(message, context);
        count("ok");
        return result;
      } catch (error) {
        count(label(error));
        throw error;
      }
    },
    close: () => provider.close?.(),
  };
  if (provider.sendBatch && provider.batch) {
    wrapped.batch = provider.batch;
    wrapped.sendBatch = async (messages, context) => {
      try {
        const outcomes = await provider.sendBatch(messages, context);
        count("ok");
        count("batched", messages.length);
        return outcomes;
      } catch (error) {
        count(label(error));
        throw error;
      }
    };
  }
  return wrapped;
}

const provider = counting(
  resend({ apiKey: "re_queue_soak_key", apiUrl: env.EMULATOR_URL, timeoutMs: 10_000 }),
);
const mailer = createMailer({ provider });
const worker = createMailWorker({
  connection,
  name: env.QUEUE,
  mailer,
  concurrency: Number(env.CONCURRENCY ?? 8),
  rateLimit: { max: Number(env.RATE_MAX), durationMs: Number(env.RATE_MS) },
  ...(env.COALESCE ? { coalesce: { max: Number(env.COALESCE), windowMs: 50 } } : {}),
  lockDurationMs: Number(env.LOCK_MS ?? 3_000),
  stalledIntervalMs: Number(env.STALLED_MS ?? 1_000),
  maxBackoffMs: 2_000,
});
worker.on("error", () => {});
await worker.waitUntilReady();
process.send?.({ ready: true, pid: process.pid });
process.on("message", async (m) => {
  if (m === "stop") {
    await worker.close();
    await mailer.close();
    await stats.quit();
    process.exit(0);
  }
});
