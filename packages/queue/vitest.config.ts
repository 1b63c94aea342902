import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Each file starts its own redis-server; running them one at a time keeps the two
    // shared CPU cores for the worker processes the tests fork.
    fileParallelism: false,
  },
});
