// Webhook ingest: autocannon (this process) against each receiver (a second process).
// Main rows: ONE request signed with svix just before the run (fresh timestamp, valid for
// the 5-minute tolerance) replayed as fast as autocannon can, with anymail's replay store
// DISABLED (`replayStore: false`) so every request is verified, parsed and handed to
// onTracking — the load generator then costs as little as possible. Extra row: anymail's
// default in-memory replay store ON, each request signed with a UNIQUE svix-id (signing per
// request costs the load generator, so that row's ceiling is lower; compare it with the
// matching bare row signed the same way).
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startChild } from "../lib/child.mjs";
import { benchWebhookBreakdown, renderWebhookBreakdown } from "./breakdown.mjs";
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
  {
    framework: "fastify",
    kind: "fastify-anymail",
    label: "Fastify + anymailFastify (replay store off)",
  },
  { framework: "express", kind: "express-bare", label: "Express bare route + svix verify (floor)" },
  {
    framework: "express",
    kind: "express-anymail",
    label: "Express + anymailExpress (replay store off)",
  },
  {
    framework: "fastify, unique ids",
    kind: "fastify-bare",
    unique: true,
    label: "Fastify bare route + svix verify, unique ids (floor)",
  },
  {
    framework: "fastify, unique ids",
    kind: "fastify-anymail",
    unique: true,
    label: "Fastify + anymailFastify, replay store ON, unique ids",
  },
];

function staticRequest(secret) {
  const id = "msg_bench_static";
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(timestamp),
      "svix-signature": signer(secret)(id, timestamp, deliveredEvent),
    },
    body: deliveredEvent,
  };
}

export function cannon(url, secret, { connections, duration, unique = false }) {
  const sign = signer(secret);
  return autocannon({
    url: `${url}${webhookPath}`,
    connections,
    duration,
    requests: [
      unique
        ? {
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
          }
        : staticRequest(secret),
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
        env: { BENCH_SIGNING_SECRET: secret, BENCH_REPLAY_STORE: receiver.unique ? "on" : "off" },
      });
      const unique = receiver.unique === true;
      await cannon(server.info.url, secret, { connections, duration: 1, unique }); // warm-up
      await server.request({ type: "reset" });
      const result = await cannon(server.info.url, secret, { connections, duration, unique });
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
        serverCpuUsPerRequest: (stats.cpuMs * 1000) / result.requests.total,
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
  let breakdown;
  try {
    breakdown = await benchWebhookBreakdown({ quick });
  } catch (error) {
    log(`  webhooks breakdown: FAILED ${String(error?.message ?? error).split("\n")[0]}`);
  }
  return { rows, duration, connections, breakdown };
}

export function renderWebhooks({ rows, duration, connections, breakdown }) {
  const floorOf = (row) =>
    rows.find((r) => r.framework === row.framework && r.kind.endsWith("bare") && !r.error);
  const table = rows.map((row) => {
    if (row.error) return [row.label, "n/a", "", "", "", "", "", "", "", `error: ${row.error}`];
    const floor = floorOf(row);
    return [
      row.label,
      fmt.int(row.perSecond),
      fmt.ms(row.p50, 1),
      fmt.ms(row.p99, 1),
      floor ? fmt.ratio(row.perSecond / floor.perSecond) : "n/a",
      fmt.int(row.total),
      fmt.pct(row.serverCpuPercent),
      `${row.serverCpuUsPerRequest.toFixed(0)} µs`,
      floor ? fmt.ratio(row.serverCpuUsPerRequest / floor.serverCpuUsPerRequest) : "n/a",
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
        `receiver CPU per request ${fmt.ratio(row.serverCpuUsPerRequest / floorOf(row).serverCpuUsPerRequest)} the bare route's`,
      ];
    });
  return {
    text: [
      `autocannon (in the bench process), ${connections} connections, ${duration} s per row after a 1 s warm-up, against a receiver in a second process; a Resend \`email.delivered\` event (${deliveredEvent.length} B). First four rows: ONE request signed with svix right before the run and replayed, anymail's replay store disabled (\`replayStore: false\`) so every request is verified, parsed and handed to \`onTracking\`. Last two rows: each request signed with a UNIQUE svix-id and a fresh timestamp (the load generator signs per request, so its ceiling is lower), anymail's default in-memory replay store ON. Every row must answer 2xx to every request and the handler must see every one; "server CPU" is the receiver's CPU time over the run (100% = one core busy).`,
      "",
      markdownTable(
        [
          "receiver",
          "req/s",
          "p50",
          "p99",
          "× bare route",
          "requests",
          "server CPU",
          "server CPU/req",
          "CPU × bare",
          "note",
        ],
        table,
      ),
      ...(breakdown
        ? [
            "",
            "Where a request's CPU goes, in-process without sockets (µs per call; the adapters add their Node ↔ Web bridge and the framework on top):",
            "",
            renderWebhookBreakdown(breakdown),
          ]
        : []),
    ].join("\n"),
    targets,
  };
}
