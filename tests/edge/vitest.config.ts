import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // Starting a runtime (and bundling the Worker) happens in beforeAll.
    hookTimeout: 60_000,
  },
});
