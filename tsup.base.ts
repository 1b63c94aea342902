import { defineConfig, type Options } from "tsup";

/**
 * The one build setup every published package shares: ESM + CJS with .d.ts/.d.cts, for Node 20,
 * code-split so subpath entries share chunks. A package's tsup.config.ts names its entries and
 * adds only what is specific to it.
 */
export function packageConfig(entry: string[], overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "node20",
    splitting: true,
    treeshake: true,
    ...overrides,
  });
}
