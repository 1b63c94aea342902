// The Worker bundle on its own (no runtime needed): what `wrangler deploy` without
// nodejs_compat would build, checked before workerd ever runs it.
import { describe, expect, it } from "vitest";
import { bundleWorker, describeBuildErrors } from "../src/bundle-worker.mjs";

// A Node builtin the bundle still imports, e.g. `from "node:fs"`, `require("path")`.
const NODE_BUILTIN_IMPORT =
  /\b(?:from|import|require)\s*\(?\s*["'](?:node:[\w/]+|module|path|fs|crypto|http|https|net|tls|stream|buffer|util|os|zlib|events|url|assert|child_process|worker_threads)["']/;

describe("Worker bundle (esbuild, platform neutral, conditions workerd/worker/browser)", () => {
  it("builds core + resend + webhooks with no nodejs_compat and no Node builtin left", async () => {
    let bundle: Awaited<ReturnType<typeof bundleWorker>>;
    try {
      bundle = await bundleWorker();
    } catch (error) {
      throw new Error(`the Worker does not bundle:\n${describeBuildErrors(error).join("\n")}`);
    }
    for (const name of ["core", "resend", "webhooks"]) {
      expect(
        bundle.inputs.some((input) => input.includes(`packages/${name}/dist/`)),
        `@anymail/${name} is in the bundle`,
      ).toBe(true);
    }
    expect(bundle.code).not.toMatch(NODE_BUILTIN_IMPORT);
    expect(
      bundle.inputs.filter((input) => /node_modules\/(undici|mime-types)\//.test(input)),
    ).toEqual([]);
  });
});
