// Receiver CPU per request, bare route vs anymail adapter, interleaved rounds: a steadier
// measure than req/s on a shared machine (CPU time is charged to the receiver only).
//   node bench/webhooks/cpu-ab.mjs [rounds] [seconds] [framework=fastify|express]
import { fileURLToPath } from "node:url";
import { startChild } from "../lib/child.mjs";
import { cannon } from "./bench.mjs";
import { assertMatchesSvix, newSigningSecret } from "./payload.mjs";

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 3);
const framework = process.argv[4] ?? "fastify";
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const secret = newSigningSecret();
await assertMatchesSvix(secret);
const kinds = [`${framework}-bare`, `${framework}-anymail`];
const results = Object.fromEntries(kinds.map((kind) => [kind, []]));
const rates = Object.fromEntries(kinds.map((kind) => [kind, []]));

for (let round = 0; round < rounds; round++) {
  for (const kind of kinds) {
    const server = await startChild(here("./server.mjs"), [kind], {
      env: { BENCH_SIGNING_SECRET: secret, BENCH_REPLAY_STORE: "off" },
    });
    try {
      await cannon(server.info.url, secret, { connections: 16, duration: 1 });
      await server.request({ type: "reset" });
      const result = await cannon(server.info.url, secret, { connections: 16, duration: seconds });
      const stats = await server.request({ type: "stats" });
      if (result.non2xx + result.errors > 0) throw new Error(`${kind}: failed requests`);
      results[kind].push((stats.cpuMs * 1000) / result.requests.total);
      rates[kind].push(result.requests.average);
    } finally {
      await server.stop();
    }
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`| receiver | CPU µs/request (median of ${rounds}) | all rounds | req/s (median) |`);
console.log("|---|---:|---|---:|");
for (const kind of kinds) {
  console.log(
    `| ${kind} | ${median(results[kind]).toFixed(1)} | ${results[kind].map((v) => v.toFixed(1)).join(", ")} | ${Math.round(median(rates[kind]))} |`,
  );
}
const [bare, anymail] = kinds.map((kind) => median(results[kind]));
console.log(
  `\nanymail CPU per request = ${(anymail / bare).toFixed(2)}× bare (${(anymail - bare).toFixed(1)} µs more)`,
);
