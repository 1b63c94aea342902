import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "./support/redis-server.js";

// docs/queue.md tells users to run this file: it must keep working.
const example = fileURLToPath(new URL("../examples/queue-demo.mjs", import.meta.url));

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("examples/queue-demo.mjs", () => {
  it("enqueues 50 messages and two worker processes send each once", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [example], {
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${redis.port}` },
      timeout: 120_000,
    });
    expect(stdout).toContain("refused at enqueue: invalid_address");
    expect(stdout).toMatch(/enqueued: \{ waiting: 50,/);
    expect(stdout).toMatch(/sent 50 by 2 workers in [\d.]+ s; the emulator stored 50 emails/);
    expect(stdout).toMatch(/finished: \{[^}]*completed: 50, failed: 0/);
  }, 150_000);
});
