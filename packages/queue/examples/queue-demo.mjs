// A runnable @anymail/queue example: one producer and two worker processes sharing a Redis
// queue, sending through the in-process Resend emulator (no account needed) under one shared
// limit of 2 requests per second, coalesced into batch calls.
//
//   redis-server --port 6379 --save "" --appendonly no &
//   node packages/queue/examples/queue-demo.mjs          # REDIS_URL=redis://host:port for another
import { fork } from "node:child_process";
import { createMailer } from "@anymail/core";
import { createMailQueue, createMailWorker } from "@anymail/queue";
import { resend } from "@anymail/resend";

const url = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const connection = { host: url.hostname, port: Number(url.port || 6379) };
const name = process.env.QUEUE_NAME ?? "demo-mail";
const rateLimit = { max: 2, durationMs: 1_000 };

// Producer and workers build the same mailer: the queue stores the message as given, and
// the worker's mailer applies defaults and hooks when it sends.
const makeMailer = (apiUrl) =>
  createMailer({
    provider: resend({ apiKey: "re_demo_key", apiUrl }),
    defaults: { from: "Shop <shop@example.com>" },
  });

if (process.argv[2] === "worker") {
  // A worker process: sends what it takes from the queue, reports each email it sent.
  const mailer = makeMailer(process.env.EMULATOR_URL);
  const worker = createMailWorker({ connection, name, mailer, rateLimit, coalesce: { max: 100 } });
  worker.on("sent", (id, result) => process.send?.({ sent: id, messageId: result.messageId }));
  worker.on("failed", (id, error) => console.error(`failed ${id}: ${error.code} ${error.message}`));
  process.on("message", async () => {
    await worker.close();
    await mailer.close();
    process.exit(0);
  });
  await worker.waitUntilReady();
  process.send?.({ ready: true });
} else {
  const { startResendEmulator } = await import("@anymail/emulator");
  const emu = await startResendEmulator({ port: 0, rateLimit: { requestsPerSecond: 2 } });
  const mailer = makeMailer(emu.url);
  const queue = createMailQueue({ connection, name, mailer });

  // Validated now: a bad message is refused here, not later in a worker.
  try {
    await queue.enqueue({ to: "not an address", subject: "x" });
  } catch (error) {
    console.log(`refused at enqueue: ${error.code} (${error.message})`);
  }
  const started = Date.now();
  for (let i = 1; i <= 50; i++) {
    await queue.enqueue(
      { to: `customer${i}@example.org`, subject: `Order ${i}`, text: "Thanks!" },
      { idempotencyKey: `demo-order-${i}` },
    );
  }
  // The same key again is the same job: still 50.
  await queue.enqueue(
    { to: "customer1@example.org", subject: "Order 1", text: "Thanks!" },
    { idempotencyKey: "demo-order-1" },
  );
  console.log("enqueued:", await queue.counts());

  const workers = [];
  let sent = 0;
  for (let i = 0; i < 2; i++) {
    const child = fork(new URL(import.meta.url).pathname, ["worker"], {
      env: { ...process.env, EMULATOR_URL: emu.url },
    });
    child.on("message", (m) => {
      if (m.sent) sent++;
    });
    workers.push(child);
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let counts = await queue.counts();
  while (counts.completed + counts.failed < 50) {
    await sleep(100);
    counts = await queue.counts();
  }
  // The workers' last "sent" reports may still be on their way over IPC.
  for (let i = 0; i < 50 && sent < counts.completed; i++) await sleep(20);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `sent ${sent} by 2 workers in ${seconds} s; the emulator stored ${emu.emails.length} emails`,
  );
  console.log("finished:", await queue.counts());

  for (const child of workers) child.send("stop");
  await Promise.all(workers.map((c) => new Promise((resolve) => c.once("exit", resolve))));
  // Leave Redis as we found it.
  await queue.bullQueue.obliterate({ force: true });
  await queue.close();
  await mailer.close();
  await emu.close();
}
