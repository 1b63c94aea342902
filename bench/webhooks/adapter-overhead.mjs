// Adapter overhead in-process: the same signed Resend delivery through a bare route that only
// verifies with svix and through anymail's adapter, in one process, with light-my-request
// (Fastify's inject) instead of sockets. Chunks alternate between the two and the best chunk
// counts, so other load on the machine only ever adds time. Socket I/O, the same for both, is
// left out: the real-server ratio is closer to 1 than this one.
//   node bench/webhooks/adapter-overhead.mjs [iterations]
import { createRequire } from "node:module";
import { resendWebhooks } from "@anymail/resend";
import { anymailExpress } from "@anymail/webhooks/express";
import { anymailFastify } from "@anymail/webhooks/fastify";
import express from "express";
import Fastify from "fastify";
import { Webhook } from "svix";
import { markdownTable } from "../lib/format.mjs";
import { deliveredEvent, newSigningSecret, signer, webhookPath } from "./payload.mjs";

const iterations = Number(process.argv[2] ?? 20_000);
const inject = createRequire(createRequire(import.meta.url).resolve("fastify"))("light-my-request");
const secret = newSigningSecret();
const id = "msg_overhead";
const timestamp = Math.floor(Date.now() / 1000);
const headers = {
  "content-type": "application/json",
  "svix-id": id,
  "svix-timestamp": String(timestamp),
  "svix-signature": signer(secret)(id, timestamp, deliveredEvent),
};
const options = {
  providers: [resendWebhooks({ signingSecret: secret })],
  onTracking: () => {},
  replayStore: false,
};

async function fastifyApp(anymail) {
  const app = Fastify({ logger: false });
  if (anymail) await app.register(anymailFastify, { prefix: "/anymail", ...options });
  else {
    const webhook = new Webhook(secret);
    app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_r, body, done) =>
      done(null, body),
    );
    app.post(webhookPath, async (request, reply) => {
      webhook.verify(request.body, request.headers);
      return reply.code(200).send();
    });
  }
  await app.ready();
  return () => app.inject({ method: "POST", url: webhookPath, headers, payload: deliveredEvent });
}

function expressApp(anymail) {
  const app = express();
  if (anymail) app.use("/anymail", anymailExpress(options));
  else {
    const webhook = new Webhook(secret);
    app.post(webhookPath, express.raw({ type: "*/*" }), (req, res) => {
      webhook.verify(req.body, req.headers);
      res.status(200).end();
    });
  }
  return () => inject(app, { method: "POST", url: webhookPath, headers, payload: deliveredEvent });
}

const pairs = [
  ["Fastify", await fastifyApp(false), await fastifyApp(true)],
  ["Express", expressApp(false), expressApp(true)],
];
const rows = [];
for (const [name, bare, anymail] of pairs) {
  for (const send of [bare, anymail]) {
    const answer = await send();
    if (answer.statusCode !== 200) throw new Error(`${name}: ${answer.statusCode} ${answer.body}`);
  }
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  // Small chunks, many rounds: on a shared machine a short chunk often runs unpreempted.
  const chunk = 50;
  for (let i = 0; i < 2000; i++) {
    await bare();
    await anymail();
  }
  for (let round = 0; round < Math.ceil(iterations / chunk); round++) {
    for (const [index, send] of [bare, anymail].entries()) {
      const begin = performance.now();
      for (let i = 0; i < chunk; i++) await send();
      best[index] = Math.min(best[index], ((performance.now() - begin) * 1000) / chunk);
    }
  }
  rows.push([
    name,
    `${best[0].toFixed(1)} µs`,
    `${best[1].toFixed(1)} µs`,
    `+${(best[1] - best[0]).toFixed(1)} µs`,
    `${(best[0] / best[1]).toFixed(2)}×`,
  ]);
}
console.log(
  markdownTable(
    [
      "framework (inject, no sockets)",
      "bare route + svix",
      "anymail adapter",
      "difference",
      "bare ÷ anymail",
    ],
    rows,
  ),
);
