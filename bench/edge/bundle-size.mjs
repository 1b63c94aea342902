// Size of a Cloudflare Worker that uses anymail, bundled the way `wrangler deploy` bundles
// it without nodejs_compat (tests/edge/src/bundle-worker.mjs: esbuild, ESM, platform
// "neutral", conditions workerd/worker/browser). Everything is bundled, dependencies
// included: that is what a Worker uploads. Prints a table; no thresholds.
//
//   node bench/edge/bundle-size.mjs   (after building the packages)
import { gzipSync } from "node:zlib";
import {
  bundleWorker,
  describeBuildErrors,
  WORKER_ENTRY,
} from "../../tests/edge/src/bundle-worker.mjs";
import { fmt, markdownTable } from "../lib/format.mjs";

const WORKERS = [
  {
    label: "sending: createMailer + resend()",
    source: `import { createMailer } from "@anymail/core";
import { resend } from "@anymail/resend";
export default {
  async fetch(request, env) {
    const mailer = createMailer({ provider: resend({ apiKey: env.RESEND_API_KEY }) });
    return Response.json(await mailer.send({ from: "a@example.com", to: "b@example.org", subject: "Hi", text: "Hi" }));
  },
};`,
  },
  {
    label: "webhooks: createWebhookHandler + resendWebhooks()",
    source: `import { resendWebhooks } from "@anymail/resend";
import { createWebhookHandler } from "@anymail/webhooks";
export default {
  fetch(request, env) {
    const anymail = createWebhookHandler({
      providers: [resendWebhooks({ signingSecret: env.RESEND_SIGNING_SECRET, apiKey: env.RESEND_API_KEY })],
      onTracking: async (event) => console.log(event.eventType),
      onInbound: async ({ message }) => console.log(message.subject),
    });
    return anymail.handle(request);
  },
};`,
  },
  { label: "the tested recipe (tests/edge/recipes/worker.ts): both", entry: WORKER_ENTRY },
];

/** `@anymail/core`, `postal-mime`, … for a bundle input path. */
function packageOf(path) {
  const own = path.match(/packages\/([\w-]+)\/dist\//);
  if (own) return `@anymail/${own[1]}`;
  const dependency = path.split("node_modules/").pop();
  if (dependency === path) return "(entry)";
  const [first, second] = dependency.split("/");
  return first.startsWith("@") ? `${first}/${second}` : first;
}

function largestPackages(bytesByInput, count = 4) {
  const totals = new Map();
  for (const [path, bytes] of Object.entries(bytesByInput)) {
    const name = packageOf(path);
    totals.set(name, (totals.get(name) ?? 0) + bytes);
  }
  return [...totals]
    .filter(([name]) => name !== "(entry)")
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${fmt.kb(bytes)}`)
    .join(", ");
}

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

const rows = [];
for (const worker of WORKERS) {
  try {
    const plain = await bundleWorker(worker);
    const minified = await bundleWorker({ ...worker, minify: true });
    rows.push([
      worker.label,
      fmt.kb(plain.bytes.length),
      fmt.kb(gzip(plain.bytes)),
      fmt.kb(minified.bytes.length),
      fmt.kb(gzip(minified.bytes)),
      largestPackages(minified.bytesByInput),
    ]);
  } catch (error) {
    rows.push([
      worker.label,
      "n/a",
      "n/a",
      "n/a",
      "n/a",
      `does not bundle: ${describeBuildErrors(error)[0]}`,
    ]);
  }
}

console.log(
  "Worker bundles: esbuild, ESM, platform neutral, conditions workerd/worker/browser, no nodejs_compat; gzip level 9.\n",
);
console.log(
  markdownTable(
    ["Worker", "raw", "raw gzip", "minified", "minified gzip", "largest parts (minified)"],
    rows,
  ),
);
