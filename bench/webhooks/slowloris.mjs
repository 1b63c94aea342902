// Stalled uploads against each Node adapter: N clients each declare a 1 MiB body, send 1 KiB
// and then nothing. Measures how many connections the server has answered (408) or closed
// by the cutoff, and when. Run: node bench/webhooks/slowloris.mjs [uploads] [cutoffMs]
// (after building: pnpm exec turbo run build --filter=@anymail/webhooks...).
import { once } from "node:events";
import { connect } from "node:net";
import { createTestWebhookProvider } from "@anymail/core/testing";
import { anymailExpress } from "@anymail/webhooks/express";
import { anymailFastify } from "@anymail/webhooks/fastify";
import express from "express";
import Fastify from "fastify";

const uploads = Number(process.argv[2] ?? 100);
const cutoffMs = Number(process.argv[3] ?? 10_000);
const bodyTimeoutMs = 2_000;
const path = "/anymail/test/tracking";
const options = () => ({
  providers: [createTestWebhookProvider({ secret: "slowloris-key" })],
  onTracking: () => {},
  bodyTimeoutMs,
  maxBodyBytes: 2 * 1024 * 1024,
  logger: () => {},
});

const servers = {
  async "Fastify 5 (default requestTimeout: 0)"() {
    const app = Fastify({ logger: false });
    await app.register(anymailFastify, { prefix: "/anymail", ...options() });
    await app.listen({ port: 0, host: "127.0.0.1" });
    return { port: app.server.address().port, close: () => app.close(), server: app.server };
  },
  async "Express 5"() {
    const app = express();
    app.use("/anymail", anymailExpress(options()));
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    return { port: server.address().port, close: async () => server.close(), server };
  },
};

/** One stalled upload; resolves with when (ms) and how the server ended it, or null. */
function stalledUpload(port, started) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let settled = false;
    const done = (outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome === null ? null : { ...outcome, ms: performance.now() - started });
    };
    let head = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => {
      head += chunk;
      if (head.includes("\r\n")) done({ status: Number(head.slice(9, 12)) });
    });
    socket.on("close", () => done({ status: "closed" }));
    socket.on("error", () => done({ status: "error" }));
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${1024 * 1024}\r\n\r\n${"x".repeat(1024)}`,
      );
    });
    setTimeout(() => {
      done(null);
      socket.destroy();
    }, cutoffMs);
  });
}

const rows = [];
for (const [name, start] of Object.entries(servers)) {
  const server = await start();
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: uploads }, () => stalledUpload(server.port, started)),
  );
  const ended = outcomes.filter((outcome) => outcome !== null);
  const times = ended.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const statuses = [...new Set(ended.map((outcome) => outcome.status))].join(", ") || "-";
  rows.push({
    adapter: name,
    ended: `${ended.length}/${uploads}`,
    answers: statuses,
    first: times.length ? `${(times[0] / 1000).toFixed(2)} s` : "-",
    last: times.length ? `${(times.at(-1) / 1000).toFixed(2)} s` : "-",
  });
  server.server.closeAllConnections?.();
  await server.close();
}
console.log(
  `\n${uploads} uploads declaring 1 MiB, sending 1 KiB, then stalling; bodyTimeoutMs ${bodyTimeoutMs}; cutoff ${cutoffMs / 1000} s\n`,
);
console.log("| adapter | ended by cutoff | answers | first | last |");
console.log("|---|---|---|---|---|");
for (const row of rows) {
  console.log(`| ${row.adapter} | ${row.ended} | ${row.answers} | ${row.first} | ${row.last} |`);
}
