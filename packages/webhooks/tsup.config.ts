import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/express.ts", "src/fastify.ts", "src/next.ts", "src/redis.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "node20",
  splitting: true,
  treeshake: true,
});
