// Starts an app file in a runtime: workerd gets the Wrangler-style bundle through miniflare,
// Deno and Bun run the file itself from the workspace.
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { bundleWorker, describeBuildErrors } from "./bundle-worker.mjs";
import { createLogLines } from "./logs.js";
import { bunBinary, denoBinary, type RuntimeName } from "./runtimes.js";
import { EDGE_DIR, type RunningApp, startServerProcess } from "./server-process.js";

/** Any date workerd 1.20260426 supports; no compatibility flags at all. */
export const COMPATIBILITY_DATE = "2026-04-01";

type Settings = Record<string, string>;

async function startWorker(file: string, bindings: Settings): Promise<RunningApp> {
  let code: string;
  try {
    ({ code } = await bundleWorker({ entry: resolve(EDGE_DIR, file) }));
  } catch (error) {
    throw new Error(`${file} does not bundle:\n${describeBuildErrors(error).join("\n")}`);
  }
  const logs = createLogLines();
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: "worker.js", contents: code }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [],
    bindings,
    host: "127.0.0.1",
    port: 0,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.setEncoding("utf8").on("data", (chunk: string) => logs.push(chunk));
      stderr.setEncoding("utf8").on("data", (chunk: string) => logs.push(chunk));
    },
  });
  const url = await mf.ready;
  return { url: url.origin, logs, close: () => mf.dispose() };
}

/** Runs `file` (relative to tests/edge) in `runtime` with these settings (bindings or env). */
export function launch(
  runtime: RuntimeName,
  file: string,
  settings: Settings,
): Promise<RunningApp> {
  switch (runtime) {
    case "workerd":
      return startWorker(file, settings);
    case "deno":
      return startServerProcess(
        denoBinary(),
        [
          "run",
          // Only what the app needs: its own port, the emulators, its environment.
          "--allow-net=127.0.0.1",
          "--allow-env",
          // Resolve @anymail/* from tests/edge/node_modules (pnpm's links), as installed.
          "--node-modules-dir=manual",
          file,
        ],
        settings,
      );
    case "bun":
      return startServerProcess(bunBinary(), ["run", file], settings);
  }
}
