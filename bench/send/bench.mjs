// Send throughput and latency: every client against the same sink in a second process.
import { fileURLToPath } from "node:url";
import { startChild } from "../lib/child.mjs";
import { fmt, markdownTable, verdict } from "../lib/format.mjs";
import { sendClients } from "./clients.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const RAW = "raw undici (floor)";
const OURS = "anymail (createMailer + resend)";
const SDK = "resend SDK 6.x";
// Mailgun rows compare with the multipart floor, not with Resend's JSON one.
const MAILGUN_RAW = "raw undici multipart (Mailgun floor)";
const isMailgun = (client) => /mailgun/i.test(client);
// Postmark rows compare with a raw post of Postmark's own JSON to /email.
const POSTMARK_RAW = "raw undici JSON (Postmark floor)";
const isPostmark = (client) => /postmark/i.test(client);
/** The floor a row is compared with: the same ESP's request shape, posted raw. */
const floorOf = (client) =>
  isMailgun(client) ? MAILGUN_RAW : isPostmark(client) ? POSTMARK_RAW : RAW;

const DIAGNOSTIC = "diagnostic: resend().send() alone, message prepared once";
const sinks = [
  { name: "minimal sink", script: here("./sink.mjs"), clients: Object.keys(sendClients) },
  { name: "resend-emulator", script: here("./emulator-sink.mjs"), clients: [RAW, OURS, SDK] },
];

/**
 * Every client of a sink gets its own process up front; then, round by round and concurrency
 * by concurrency, each client runs in turn (order rotated every round), so a burst of outside
 * load hits all clients alike. A row reports the round with the median throughput and the
 * spread of all rounds.
 */
export async function benchSend({ quick, log }) {
  const total = quick ? 1000 : 5000;
  const warmup = quick ? 300 : 1000;
  const rounds = quick ? 1 : 3;
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
    const workers = new Map();
    try {
      for (const client of sinkSpec.clients) {
        try {
          const worker = await startChild(here("./worker.mjs"), [client, sink.info.url], {
            execArgv: ["--expose-gc"],
          });
          workers.set(client, worker);
          await worker.request({ type: "run", total: warmup, concurrency: 16 });
        } catch (error) {
          log(`  ${sinkSpec.name} · ${client}: FAILED ${firstLine(error)}`);
          rows.push({ sink: sinkSpec.name, client, error: firstLine(error) });
        }
      }
      const samples = new Map(); // `${client}/${concurrency}` -> results
      for (let round = 0; round < rounds; round++) {
        for (const concurrency of concurrencies) {
          const order = [...workers.keys()];
          const rotated = [
            ...order.slice(round % order.length),
            ...order.slice(0, round % order.length),
          ];
          for (const client of rotated) {
            const worker = workers.get(client);
            if (!worker) continue;
            try {
              await sink.request({ type: "reset" });
              const result = await worker.request({ type: "run", total, concurrency });
              const sinkStats = await sink.request({ type: "stats" });
              const key = `${client}/${concurrency}`;
              samples.set(key, [...(samples.get(key) ?? []), { ...result, sinkStats }]);
            } catch (error) {
              log(`  ${sinkSpec.name} · ${client}: FAILED ${firstLine(error)}`);
              rows.push({ sink: sinkSpec.name, client, error: firstLine(error) });
              workers.delete(client);
              await worker.stop();
            }
          }
        }
        log(`  ${sinkSpec.name}: round ${round + 1}/${rounds} done`);
      }
      for (const client of sinkSpec.clients) {
        for (const concurrency of concurrencies) {
          const runs = samples.get(`${client}/${concurrency}`);
          if (!runs) continue;
          const byThroughput = [...runs].sort((a, b) => a.perSecond - b.perSecond);
          const middle = byThroughput[Math.floor((byThroughput.length - 1) / 2)];
          rows.push({
            sink: sinkSpec.name,
            client,
            concurrency,
            ...middle,
            rounds: runs.length,
            minPerSecond: byThroughput[0].perSecond,
            maxPerSecond: byThroughput.at(-1).perSecond,
          });
          log(`  ${sinkSpec.name} · ${client} · c=${concurrency}: ${fmt.int(middle.perSecond)}/s`);
        }
      }
      if (sinkSpec === sinks[0]) {
        for (const [client, worker] of workers) {
          if (client === DIAGNOSTIC) continue;
          const { heapUsed } = await worker.request({
            type: "heap",
            total: heapSends,
            concurrency: 16,
            rounds: 2,
          });
          heap.push({ client, sends: heapSends, heapUsed });
        }
      }
      for (const worker of workers.values()) await worker.request({ type: "close" });
    } finally {
      for (const worker of workers.values()) await worker.stop();
      await sink.stop();
    }
  }
  return { total, rounds, rows, heap };
}

function firstLine(error) {
  return String(error?.message ?? error).split("\n")[0];
}

export function renderSend({ total, rounds, rows, heap }) {
  const find = (sink, client, concurrency) =>
    rows.find((r) => r.sink === sink && r.client === client && r.concurrency === concurrency);
  const table = rows.map((row) => {
    if (row.error)
      return [
        row.sink,
        row.client,
        "",
        "n/a",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        `error: ${row.error}`,
      ];
    const raw = find(row.sink, floorOf(row.client), row.concurrency);
    const sdk =
      isMailgun(row.client) || isPostmark(row.client)
        ? undefined
        : find(row.sink, SDK, row.concurrency);
    return [
      row.sink,
      row.client,
      row.concurrency,
      fmt.int(row.perSecond),
      row.rounds > 1 ? `${fmt.int(row.minPerSecond)}–${fmt.int(row.maxPerSecond)}` : "",
      fmt.ms(row.p50),
      fmt.ms(row.p99),
      Number.isFinite(row.cpuUsPerSend) ? `${row.cpuUsPerSend.toFixed(0)} µs` : "",
      raw?.cpuUsPerSend ? fmt.ratio(row.cpuUsPerSend / raw.cpuUsPerSend) : "n/a",
      raw?.perSecond ? fmt.ratio(row.perSecond / raw.perSecond) : "n/a",
      sdk?.perSecond ? fmt.ratio(row.perSecond / sdk.perSecond) : "n/a",
      row.sinkStats?.cpuPercent !== undefined ? fmt.pct(row.sinkStats.cpuPercent) : "",
      row.sinkStats?.requests ? fmt.int(row.sinkStats.bodyBytes / row.sinkStats.requests) : "",
      "",
    ];
  });
  const sections = [
    `${fmt.int(total)} single sends per run; ${rounds} interleaved round(s) per row, the row shows the round with the median throughput (its p50/p99) and the range over all rounds; ratios against the same sink and concurrency (Mailgun rows against the multipart floor "${MAILGUN_RAW}", since they post multipart/form-data, not JSON; Postmark rows against "${POSTMARK_RAW}", a raw post of Postmark's JSON to /email). "client CPU/send" = the client process's CPU time (user+system) divided by the sends: it barely moves with outside load, so it is the steadier comparison; "sink CPU" = the sink process's CPU time over the run (100% = one core, i.e. the sink would be the bottleneck).`,
    "",
    markdownTable(
      [
        "sink",
        "client",
        "conc.",
        "sends/s",
        "range",
        "p50",
        "p99",
        "client CPU/send",
        "CPU × raw",
        "× raw undici",
        "× SDK",
        "sink CPU",
        "body B/send",
        "note",
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
        `client CPU per send ${fmt.ratio(ours.cpuUsPerSend / raw.cpuUsPerSend)} raw's`,
      ]);
    }
    if (ours?.perSecond && sdk?.perSecond) {
      const ratio = ours.perSecond / sdk.perSecond;
      targets.push([
        `send c=${concurrency} ≥ 3× resend SDK`,
        fmt.ratio(ratio),
        verdict(ratio >= 3),
        `client CPU per send ${fmt.ratio(sdk.cpuUsPerSend / ours.cpuUsPerSend)} less than the SDK's`,
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
