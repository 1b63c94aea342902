// Cold start: wall time of a fresh `node -e "<import>"` process, median of N runs, the
// variants interleaved so drift on a shared machine hits them all alike.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fmt, markdownTable, verdict } from "../lib/format.mjs";
import { median } from "../lib/stats.mjs";

const benchDir = fileURLToPath(new URL("..", import.meta.url));
// Our packages' own dependencies resolve only from the package that declares them.
const coreDir = fileURLToPath(new URL("../../packages/core/", import.meta.url));
const resendDir = fileURLToPath(new URL("../../packages/resend/", import.meta.url));

const variants = [
  { label: "bare node", code: "0" },
  {
    label: "@anymail/core + @anymail/resend",
    code: "import('@anymail/core'); import('@anymail/resend')",
    ours: true,
  },
  { label: "resend SDK 6.x", code: "import('resend')", sdk: true },
  {
    label: "@anymail/webhooks + /fastify",
    code: "import('@anymail/webhooks'); import('@anymail/webhooks/fastify')",
  },
  { label: "undici (reference)", code: "import('undici')" },
  { label: "svix (reference)", code: "import('svix')" },
  { label: "email-addresses (core dep)", code: "import('email-addresses')", cwd: coreDir },
  { label: "mime-types (core + resend dep)", code: "import('mime-types')", cwd: coreDir },
  {
    label: "postal-mime (resend dep, inbound only)",
    code: "import('postal-mime')",
    cwd: resendDir,
  },
];

function timeOnce(code, cwd = benchDir) {
  const begin = performance.now();
  const result = spawnSync(process.execPath, ["-e", code], { cwd, encoding: "utf8" });
  const elapsed = performance.now() - begin;
  if (result.status !== 0)
    throw new Error(result.stderr.split("\n").find((l) => l.includes("Error")) ?? result.stderr);
  return elapsed;
}

export function benchColdStart({ quick, log }) {
  const runs = quick ? 7 : 21;
  const samples = new Map(variants.map((v) => [v, []]));
  const errors = new Map();
  for (let i = 0; i < runs + 1; i++) {
    for (const variant of variants) {
      if (errors.has(variant)) continue;
      try {
        const elapsed = timeOnce(variant.code, variant.cwd);
        if (i > 0) samples.get(variant).push(elapsed); // run 0 warms the file cache
      } catch (error) {
        errors.set(variant, String(error?.message ?? error).split("\n")[0]);
      }
    }
  }
  const rows = variants.map((variant) => ({
    ...variant,
    error: errors.get(variant),
    medianMs: errors.has(variant) ? Number.NaN : median(samples.get(variant)),
  }));
  log(`  cold start: ${rows.map((r) => `${r.label} ${fmt.ms(r.medianMs, 0)}`).join(", ")}`);
  return { runs, rows };
}

export function renderColdStart({ runs, rows }) {
  const bare = rows[0].medianMs;
  const sdk = rows.find((r) => r.sdk);
  const ours = rows.find((r) => r.ours);
  const table = rows.map((row) => [
    row.label,
    `\`node -e "${row.code}"\``,
    fmt.ms(row.medianMs, 1),
    row === rows[0] ? "" : fmt.ms(row.medianMs - bare, 1),
    Number.isFinite(sdk?.medianMs) ? fmt.ratio(row.medianMs / sdk.medianMs) : "n/a",
    row.error ? `error: ${row.error}` : "",
  ]);
  const targets = [];
  if (Number.isFinite(ours?.medianMs) && Number.isFinite(sdk?.medianMs)) {
    const ratio = ours.medianMs / sdk.medianMs;
    targets.push([
      "cold import core + resend ≤ 1.2× resend SDK",
      fmt.ratio(ratio),
      verdict(ratio <= 1.2),
      `${fmt.ms(ours.medianMs - rows[0].medianMs, 0)} over bare node vs. the SDK's ${fmt.ms(sdk.medianMs - rows[0].medianMs, 0)}`,
    ]);
  }
  return {
    text: [
      `Median wall time of ${runs} fresh processes each (after one unmeasured run), variants interleaved; run from \`bench/\` (our packages' own dependencies from the package that declares them).`,
      "",
      markdownTable(["variant", "command", "median", "over bare node", "× SDK", "note"], table),
    ].join("\n"),
    targets,
  };
}
