// workerd (through miniflare) runs the Wrangler-style bundle of recipes/worker.ts, with no
// nodejs_compat flag: the bundle is built here, in beforeAll, and handed to miniflare as is.
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { bundleWorker, describeBuildErrors } from "../src/bundle-worker.mjs";
import { createLogLines } from "../src/logs.js";
import { probe } from "../src/runtimes.js";
import { describeRuntime } from "../src/scenario.js";

/** Any date workerd 1.20260426 supports; no compatibility flags at all. */
const COMPATIBILITY_DATE = "2026-04-01";

const availability = await probe("workerd");

describeRuntime("workerd", availability, async (env) => {
  let code: string;
  try {
    ({ code } = await bundleWorker());
  } catch (error) {
    throw new Error(`the Worker does not bundle:\n${describeBuildErrors(error).join("\n")}`);
  }
  const logs = createLogLines();
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: "worker.js", contents: code }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [],
    bindings: { ...env },
    host: "127.0.0.1",
    port: 0,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.setEncoding("utf8").on("data", (chunk: string) => logs.push(chunk));
      stderr.setEncoding("utf8").on("data", (chunk: string) => logs.push(chunk));
    },
  });
  const url = await mf.ready;
  return { url: url.origin, logs, close: () => mf.dispose() };
});
