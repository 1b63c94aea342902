// The long fault soak (`pnpm soak`): the same reconciliation as the bounded test in
// tests/reliability, at a size too slow for the test run. Prints the counts and exits 1 if
// any send was lost, duplicated, mis-attributed or failed with an untyped error.
//
//   node bench/soak.mjs [--sends 20000] [--concurrency 32] [--batch-sends 200]
//                       [--batch-size 150] [--rps 300] [--seed 8] [--postmark-sends 5000]
//                       [--mailgun-sends 5000]
import { parseArgs } from "node:util";
import {
  formatMailgunSoakReport,
  runMailgunFaultSoak,
} from "../tests/reliability/src/mailgun-soak.mjs";
import { formatSoakReport, runFaultSoak } from "../tests/reliability/src/soak.mjs";

const { values } = parseArgs({
  options: {
    sends: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "32" },
    "batch-sends": { type: "string", default: "200" },
    "batch-size": { type: "string", default: "150" },
    rps: { type: "string", default: "300" },
    seed: { type: "string", default: "8" },
    "postmark-sends": { type: "string", default: "5000" },
    "mailgun-sends": { type: "string", default: "5000" },
  },
});

const runs = [
  {
    title: "single-send soak",
    options: {
      sends: Number(values.sends),
      concurrency: Number(values.concurrency),
      requestsPerSecond: Number(values.rps),
      seed: Number(values.seed),
    },
  },
  {
    title: "batch soak",
    options: {
      sends: Number(values["batch-sends"]),
      batchSize: Number(values["batch-size"]),
      concurrency: 8,
      requestsPerSecond: 40,
      seed: Number(values.seed) + 1,
    },
  },
  {
    // No idempotency key: ambiguous failures end the send (typed), never resend it.
    title: "Postmark single-send soak",
    options: {
      provider: "postmark",
      sends: Number(values["postmark-sends"]),
      concurrency: Number(values.concurrency),
      requestsPerSecond: 120,
      seed: Number(values.seed) + 2,
    },
  },
];

console.log(
  "fault mix per request: 15% HTTP 500, 10% connection reset, 10% accept-then-drop, plus 429 bursts from the rate limit",
);
let failed = false;
for (const { title, options } of runs) {
  if (options.sends <= 0) continue;
  const report = await runFaultSoak(options);
  console.log(formatSoakReport(title, report));
  const bad =
    report.lost + report.duplicated + report.wrongId + report.threwUntyped + report.problems.length;
  if (bad > 0 || report.resolved + report.threwTyped !== report.sends) failed = true;
}
// Mailgun: no idempotency key either; its own reconciliation reads the form fields it stores.
const mailgunSends = Number(values["mailgun-sends"]);
if (mailgunSends > 0) {
  const report = await runMailgunFaultSoak({
    sends: mailgunSends,
    concurrency: Number(values.concurrency),
    requestsPerSecond: 120,
    seed: Number(values.seed) + 3,
  });
  console.log(formatMailgunSoakReport("Mailgun single-send soak", report));
  const bad =
    report.lost +
    report.duplicated +
    report.wrongId +
    report.threwUntyped +
    report.thrownRetryableButStored +
    report.problems.length;
  if (bad > 0 || report.resolved + report.threwTyped !== report.sends) failed = true;
}
console.log(failed ? "SOAK FAILED" : "soak ok: every send accounted for exactly once");
process.exit(failed ? 1 : 0);
