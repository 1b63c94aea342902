import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Options } from "tsup";

/** Where the edge build goes, inside the package's `dist/` (so `files: ["dist"]` ships it). */
export const EDGE_OUT_DIR = "dist/edge";

/**
 * The one build setup every published package shares: ESM + CJS with .d.ts/.d.cts, for Node 20,
 * code-split so subpath entries share chunks. A package's tsup.config.ts names its entries and
 * adds only what is specific to it.
 *
 * `edge` names the entries that also get an edge build (ESM only, in `dist/edge/`): the same
 * sources, except that every relative import of a `*.node.js` module is replaced by its
 * `*.edge.ts` twin. The package's `exports` select that build with the `workerd`, `worker`,
 * `browser`, `edge-light` and `deno` conditions, so code only Node can run (a `node:` import,
 * `createRequire`, undici) never reaches a Worker bundle.
 */
export function packageConfig(
  entry: string[],
  overrides: Options = {},
  edge: { entry: string[] } | undefined = undefined,
) {
  const node: Options = {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    // The edge build writes into dist/edge at the same time: leave it alone.
    clean: edge === undefined ? true : ["!edge/**"],
    target: "node20",
    splitting: true,
    treeshake: true,
    ...overrides,
  };
  if (edge === undefined) return defineConfig(node);
  return defineConfig([
    node,
    {
      entry: edge.entry,
      outDir: EDGE_OUT_DIR,
      format: ["esm"],
      dts: false,
      clean: true,
      // What workerd, Deno 2, Bun 1 and current browsers all run.
      target: "es2022",
      platform: "neutral",
      splitting: true,
      treeshake: true,
      esbuildPlugins: [edgeTwins()],
    },
  ]);
}

/** Replaces every relative `./x.node.js` import by `./x.edge.ts`, which must exist. */
function edgeTwins(): NonNullable<Options["esbuildPlugins"]>[number] {
  return {
    name: "anymail-edge-twins",
    setup(build) {
      build.onResolve({ filter: /^\.{1,2}\/.*\.node\.js$/ }, (args) => {
        const twin = resolve(args.resolveDir, args.path.replace(/\.node\.js$/, ".edge.ts"));
        if (!existsSync(twin)) {
          return { errors: [{ text: `${args.path} has no edge twin (${twin})` }] };
        }
        return { path: twin };
      });
    },
  };
}
