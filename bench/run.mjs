#!/usr/bin/env node
// `pnpm bench` (after the packages are built): runs every benchmark once and prints one
// Markdown report with the ratios and the targets of issue 7. Not a test: nothing here fails
// on a number; a benchmark only fails when a client stops answering correctly.
//
//   node bench/run.mjs [--quick] [--only=size,cold,send,breakdown,batch,webhooks,multipart] [--json=out.json]
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { benchBatch, renderBatch } from "./send/batch-bench.mjs";
import { benchBundleSize, renderBundleSize } from "./load/bundle-size.mjs";
import { benchColdStart, renderColdStart } from "./load/cold-start.mjs";
import { markdownTable } from "./lib/format.mjs";
import { benchSend, renderSend } from "./send/bench.mjs";
import { benchBreakdown, renderBreakdown } from "./send/breakdown.mjs";
import { benchMultipart, renderMultipart } from "./send/multipart.mjs";
import { benchWebhooks, renderWebhooks } from "./webhooks/bench.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const jsonPath = args.find((a) => a.startsWith("--json="))?.slice("--json=".length);

const sections = [
  { key: "size", title: "Bundle size", run: benchBundleSize, render: renderBundleSize },
  { key: "cold", title: "Cold start", run: benchColdStart, render: renderColdStart },
  { key: "send", title: "Send throughput and latency; heap", run: benchSend, render: renderSend },
  {
    key: "breakdown",
    title: "Where a send's CPU goes (no HTTP)",
    run: benchBreakdown,
    render: renderBreakdown,
  },
  {
    key: "batch",
    title: "Batch: 10,000 recipients with mergeMetadata",
    run: benchBatch,
    render: renderBatch,
  },
  { key: "webhooks", title: "Webhook ingest", run: benchWebhooks, render: renderWebhooks },
  {
    key: "multipart",
    title: "Mailgun multipart: a 1 MB attachment, platform encoder vs raw",
    run: benchMultipart,
    render: renderMultipart,
  },
];

const unknown = only?.filter((key) => !sections.some((s) => s.key === key)) ?? [];
if (unknown.length > 0) {
  console.error(
    `unknown section(s): ${unknown.join(", ")}; known: ${sections.map((s) => s.key).join(", ")}`,
  );
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);
const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const loadAtStart = loadavg()[0];
const started = performance.now();
const results = {};
const report = [
  `# anymail benchmarks${quick ? " (--quick: fewer sends, shorter runs; for a smoke check, not for numbers)" : ""}`,
  "",
  `Machine: ${machine.cpu}, ${machine.cores} cores (nproc), Node ${machine.node}, ${machine.platform}.`,
  `Command: \`pnpm bench${quick ? " -- --quick" : ""}\` (= \`node bench/run.mjs${quick ? " --quick" : ""}\` after building the packages).`,
];
const targets = [];

for (const section of sections) {
  if (only && !only.includes(section.key)) continue;
  log(`${section.title}…`);
  const sectionStart = performance.now();
  results[section.key] = await section.run({ quick, log });
  const rendered = section.render(results[section.key]);
  targets.push(...rendered.targets);
  report.push("", `## ${section.title}`, "", rendered.text);
  log(`  (${((performance.now() - sectionStart) / 1000).toFixed(1)} s)`);
}

if (targets.length > 0) {
  report.push(
    "",
    "## Targets (issue 7)",
    "",
    markdownTable(
      ["target", "measured", "status", "steadier measure"],
      targets.map((row) => [...row, ...Array(4 - row.length).fill("")]),
    ),
  );
}
const totalSeconds = (performance.now() - started) / 1000;
report.push(
  "",
  `Total benchmark time: ${totalSeconds.toFixed(0)} s. 1-minute load average: ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end (on ${machine.cores} cores; anything well above 0 means other work shared the CPU and the numbers are noisier).`,
);
console.log(report.join("\n"));

if (jsonPath) {
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ machine, quick, results, targets, totalSeconds }, null, 2)}\n`,
  );
  log(`raw results written to ${jsonPath}`);
}
// Ensure stray handles (a child's socket, autocannon timers) can't keep the process alive.
process.exit(0);
