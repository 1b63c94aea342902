// Send throughput and latency: every client against the same sink in a second process.
import { fileURLToPath } from "node:url";
import { startChild } from "../lib/child.mjs";
import { fmt, markdownTable, verdict } from "../lib/format.mjs";
import { sendClients } from "./clients.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const RAW = "raw undici (floor)";
const OURS = "anymail (createMailer + resend)";
const SDK = "resend SDK 6.x";

const sinks = [
  { name: "minimal sink", script: here("./sink.mjs"), clients: Object.keys(sendClients) },
  { name: "resend-emulator", script: here("./emulator-sink.mjs"), clients: [RAW, OURS, SDK] },
];

export async function benchSend({ quick, log }) {
  const total = quick ? 1000 : 5000;
  const warmup = quick ? 300 : 1000;
  const concurrencies = [1, 16, 64];
  const heapSends = quick ? 2000 : 10_000;
  const rows = [];
  const heap = [];
  for (const sinkSpec of sinks) {
    let sink;
    try {
      sink = await startChild(sinkSpec.script);
    } catch (error) {
      log(`  ${sinkSpec.name}: cannot start (${firstLine(error)})`);
      for (const client of sinkSpec.clients)
        rows.push({ sink: sinkSpec.name, client, error: firstLine(error) });
      continue;
    }
    for (const client of sinkSpec.clients) {
      let worker;
      try {
        worker = await startChild(here("./worker.mjs"), [client, sink.info.url], {
          execArgv: ["--expose-gc"],
        });
        await worker.request({ type: "run", total: warmup, concurrency: 16 });
        for (const concurrency of concurrencies) {
          await sink.request({ type: "reset" });
          const result = await worker.request({ type: "run", total, concurrency });
          const sinkStats = await sink.request({ type: "stats" });
          rows.push({ sink: sinkSpec.name, client, concurrency, ...result, sinkStats });
          log(`  ${sinkSpec.name} · ${client} · c=${concurrency}: ${fmt.int(result.perSecond)}/s`);
        }
        if (sinkSpec === sinks[0]) {
          const { heapUsed } = await worker.request({
            type: "heap",
            total: heapSends,
            concurrency: 16,
            rounds: 2,
          });
          heap.push({ client, sends: heapSends, heapUsed });
        }
        await worker.request({ type: "close" });
      } catch (error) {
        log(`  ${sinkSpec.name} · ${client}: FAILED ${firstLine(error)}`);
        rows.push({ sink: sinkSpec.name, client, error: firstLine(error) });
      } finally {
        await worker?.stop();
      }
    }
    await sink.stop();
  }
  return { total, rows, heap };
}

function firstLine(error) {
  return String(error?.message ?? error).split("\n")[0];
}

export function renderSend({ total, rows, heap }) {
  const find = (sink, client, concurrency) =>
    rows.find((r) => r.sink === sink && r.client === client && r.concurrency === concurrency);
  const table = rows.map((row) => {
    if (row.error)
      return [row.sink, row.client, "", "n/a", "", "", "", "", "", `error: ${row.error}`];
    const raw = find(row.sink, RAW, row.concurrency);
    const sdk = find(row.sink, SDK, row.concurrency);
    return [
      row.sink,
      row.client,
      row.concurrency,
      fmt.int(row.perSecond),
      fmt.ms(row.p50),
      fmt.ms(row.p99),
      raw?.perSecond ? fmt.ratio(row.perSecond / raw.perSecond) : "n/a",
      sdk?.perSecond ? fmt.ratio(row.perSecond / sdk.perSecond) : "n/a",
      row.sinkStats?.cpuPercent !== undefined ? fmt.pct(row.sinkStats.cpuPercent) : "",
      row.sinkStats?.requests ? fmt.int(row.sinkStats.bodyBytes / row.sinkStats.requests) : "",
    ];
  });
  const sections = [
    `${fmt.int(total)} single sends per row; latency per send; ratios against the same sink and concurrency.`,
    "",
    markdownTable(
      [
        "sink",
        "client",
        "conc.",
        "sends/s",
        "p50",
        "p99",
        "× raw undici",
        "× SDK",
        "sink CPU",
        "body B/send",
      ],
      table,
    ),
  ];
  const targets = [];
  for (const concurrency of [16, 64]) {
    const ours = find("minimal sink", OURS, concurrency);
    const raw = find("minimal sink", RAW, concurrency);
    const sdk = find("minimal sink", SDK, concurrency);
    if (ours?.perSecond && raw?.perSecond) {
      const ratio = ours.perSecond / raw.perSecond;
      targets.push([
        `send c=${concurrency} ≥ 0.85× raw undici`,
        fmt.ratio(ratio),
        verdict(ratio >= 0.85),
      ]);
    }
    if (ours?.perSecond && sdk?.perSecond) {
      const ratio = ours.perSecond / sdk.perSecond;
      targets.push([
        `send c=${concurrency} ≥ 3× resend SDK`,
        fmt.ratio(ratio),
        verdict(ratio >= 3),
      ]);
    }
  }
  if (heap.length > 0) {
    sections.push(
      "",
      `Heap used after forced GC (\`--expose-gc\`), before and after ${fmt.int(heap[0].sends)} and ${fmt.int(2 * heap[0].sends)} sends at c=16 (after the runs above, so pools and JIT are warm):`,
      "",
      markdownTable(
        [
          "client",
          "before",
          `after ${fmt.int(heap[0].sends)}`,
          `after ${fmt.int(2 * heap[0].sends)}`,
          "growth, 2nd batch",
        ],
        heap.map(({ client, heapUsed: [before, first, second] }) => [
          client,
          fmt.mb(before),
          fmt.mb(first),
          fmt.mb(second),
          fmt.kb(second - first),
        ]),
      ),
    );
  }
  return { text: sections.join("\n"), targets };
}
