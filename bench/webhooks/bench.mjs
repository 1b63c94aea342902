// Webhook ingest: autocannon (this process) against each receiver (a second process).
// Every request carries a UNIQUE svix-id and a fresh timestamp, signed per request, so
// anymail's de-dupe (default in-memory replay store, left ON) never short-circuits the
// handler: every request is verified, parsed and handed to onTracking.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startChild } from "../lib/child.mjs";
import { fmt, markdownTable, verdict } from "../lib/format.mjs";
import {
  assertMatchesSvix,
  deliveredEvent,
  newSigningSecret,
  signer,
  webhookPath,
} from "./payload.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const receivers = [
  { framework: "fastify", kind: "fastify-bare", label: "Fastify bare route + svix verify (floor)" },
  { framework: "fastify", kind: "fastify-anymail", label: "Fastify + anymailFastify" },
  { framework: "express", kind: "express-bare", label: "Express bare route + svix verify (floor)" },
  { framework: "express", kind: "express-anymail", label: "Express + anymailExpress" },
];

function cannon(url, secret, { connections, duration }) {
  const sign = signer(secret);
  return autocannon({
    url: `${url}${webhookPath}`,
    connections,
    duration,
    requests: [
      {
        method: "POST",
        setupRequest(request) {
          const id = `msg_${randomUUID()}`;
          const timestamp = Math.floor(Date.now() / 1000);
          request.headers = {
            "content-type": "application/json",
            "svix-id": id,
            "svix-timestamp": String(timestamp),
            "svix-signature": sign(id, timestamp, deliveredEvent),
          };
          request.body = deliveredEvent;
          return request;
        },
      },
    ],
  });
}

export async function benchWebhooks({ quick, log }) {
  const secret = newSigningSecret();
  await assertMatchesSvix(secret);
  const duration = quick ? 3 : 8;
  const connections = 16;
  const rows = [];
  for (const receiver of receivers) {
    let server;
    try {
      server = await startChild(here("./server.mjs"), [receiver.kind], {
        env: { BENCH_SIGNING_SECRET: secret },
      });
      await cannon(server.info.url, secret, { connections, duration: 1 }); // warm-up
      await server.request({ type: "reset" });
      const result = await cannon(server.info.url, secret, { connections, duration });
      const stats = await server.request({ type: "stats" });
      const non2xx = result.non2xx + result.errors + result.timeouts;
      if (non2xx > 0) throw new Error(`${non2xx} failed requests (non-2xx/errors/timeouts)`);
      if (stats.handled < result.requests.total) {
        throw new Error(`handler saw ${stats.handled} of ${result.requests.total} requests`);
      }
      rows.push({
        ...receiver,
        perSecond: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        total: result.requests.total,
        serverCpuPercent: (stats.cpuMs / (duration * 1000)) * 100,
      });
      log(`  webhooks · ${receiver.label}: ${fmt.int(result.requests.average)} req/s`);
    } catch (error) {
      const message = String(error?.message ?? error).split("\n")[0];
      log(`  webhooks · ${receiver.label}: FAILED ${message}`);
      rows.push({ ...receiver, error: message });
    } finally {
      await server?.stop();
    }
  }
  return { rows, duration, connections };
}

export function renderWebhooks({ rows, duration, connections }) {
  const floorOf = (row) =>
    rows.find((r) => r.framework === row.framework && r.kind.endsWith("bare") && !r.error);
  const table = rows.map((row) => {
    if (row.error) return [row.label, "n/a", "", "", "", "", `error: ${row.error}`];
    const floor = floorOf(row);
    return [
      row.label,
      fmt.int(row.perSecond),
      fmt.ms(row.p50, 0),
      fmt.ms(row.p99, 0),
      floor ? fmt.ratio(row.perSecond / floor.perSecond) : "n/a",
      fmt.int(row.total),
      "",
    ];
  });
  const targets = rows
    .filter((row) => row.kind.endsWith("anymail") && !row.error && floorOf(row))
    .map((row) => {
      const ratio = row.perSecond / floorOf(row).perSecond;
      return [
        `${row.framework} adapter ≥ 0.85× bare verified route`,
        fmt.ratio(ratio),
        verdict(ratio >= 0.85),
      ];
    });
  return {
    text: [
      `autocannon, ${connections} connections, ${duration} s per row after a 1 s warm-up; a Resend \`email.delivered\` event (${deliveredEvent.length} B) signed per request with a unique svix-id and a fresh timestamp (anymail's default replay store stays on and never sees a repeat, so every request runs verify → parse → onTracking). Every row must answer 2xx to every request.`,
      "",
      markdownTable(["receiver", "req/s", "p50", "p99", "× bare route", "requests", "note"], table),
    ].join("\n"),
    targets,
  };
}
