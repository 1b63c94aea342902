import { spawnSync } from "node:child_process";
import { defineConfig } from "vitest/config";

// The queue tests run a real redis-server. Where it isn't installed they are skipped with a
// visible reason, as the browser tests are without Chromium, so the README's `npm test` works
// on a machine with only Node and npm; in CI a missing server is a failure, never a skip.
const REDIS_TESTS = [
  "test/coalesce.test.ts",
  "test/example.test.ts",
  "test/queue.test.ts",
  "test/webhook-replay-store.test.ts",
  "test/worker-processes.test.ts",
];
const hasRedis = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
const skipRedis = !hasRedis && !process.env.CI;
if (skipRedis) {
  console.warn(
    `@anymail/queue: skipping ${REDIS_TESTS.length} test files that need redis-server, which is not installed (apt-get install -y redis-server; CI installs it and fails without it)`,
  );
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: skipRedis ? REDIS_TESTS : [],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Each file starts its own redis-server; running them one at a time keeps the two
    // shared CPU cores for the worker processes the tests fork.
    fileParallelism: false,
  },
});
