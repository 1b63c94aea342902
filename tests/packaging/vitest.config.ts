import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Packing every package and three npm installs (from the npm cache when warm).
    hookTimeout: 300_000,
  },
});
