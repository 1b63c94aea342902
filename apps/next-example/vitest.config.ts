import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // `next build` on a cold cache takes a while on two cores.
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
