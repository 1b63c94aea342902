// Bundles a Worker the way Wrangler does when a project has NO nodejs_compat flag: esbuild,
// ESM, platform "neutral" with the browser/module/main fields and the workerd, worker and
// browser export conditions. A `node:` or bare Node builtin import then fails the build,
// as it fails `wrangler deploy`. Plain JS so bench/edge/bundle-size.mjs can import it too.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The Worker the tests run: core + resend + webhooks. */
export const WORKER_ENTRY = fileURLToPath(new URL("../recipes/worker.ts", import.meta.url));

const EDGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** Wrangler's defaults without nodejs_compat (WRANGLER_BUILD_CONDITIONS / _PLATFORM unset). */
export const WRANGLER_LIKE_OPTIONS = Object.freeze({
  bundle: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["browser", "module", "main"],
  target: "es2022",
  // Workers resolve these at runtime, never from node_modules.
  external: ["cloudflare:*"],
  write: false,
  metafile: true,
  logLevel: "silent",
});

/**
 * Bundles `entry` (default: the Worker recipe), or `source` (module text resolved from
 * tests/edge). Resolves to the bundle's text and bytes, the input files it holds and the
 * bytes each contributes; rejects with esbuild's error (its `errors` list every import that
 * could not be resolved, e.g. `Could not resolve "node:module"`).
 */
export async function bundleWorker({ entry = WORKER_ENTRY, source, minify = false } = {}) {
  const input =
    source === undefined
      ? { entryPoints: [entry] }
      : {
          stdin: { contents: source, resolveDir: EDGE_DIR, sourcefile: "worker.js", loader: "ts" },
        };
  const result = await build({ ...WRANGLER_LIKE_OPTIONS, ...input, minify });
  const [output] = result.outputFiles;
  const [meta] = Object.values(result.metafile.outputs);
  const bytesByInput = Object.fromEntries(
    Object.entries(meta.inputs).map(([path, { bytesInOutput }]) => [path, bytesInOutput]),
  );
  return {
    code: output.text,
    bytes: output.contents,
    inputs: Object.keys(result.metafile.inputs),
    bytesByInput,
  };
}

/**
 * esbuild's build errors, one line per distinct message and importing package
 * (`Could not resolve "node:net" (undici, 4 imports)`): a Node-only dependency fails on dozens.
 */
export function describeBuildErrors(error) {
  const errors = Array.isArray(error?.errors) ? error.errors : [];
  if (errors.length === 0) return [String(error?.message ?? error)];
  const counts = new Map();
  for (const e of errors) {
    const file = e.location?.file ?? "";
    const inPackage = file.includes("node_modules/")
      ? packageOf(file.split("node_modules/").pop())
      : file;
    const key = inPackage ? `${e.text} (${inPackage}` : e.text;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) =>
    key.includes(" (") ? `${key}, ${count} import${count === 1 ? "" : "s"})` : key,
  );
}

function packageOf(path) {
  const [first, second] = path.split("/");
  return first.startsWith("@") ? `${first}/${second}` : first;
}
