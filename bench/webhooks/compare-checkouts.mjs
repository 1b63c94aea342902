// Before/after of the webhook adapters in ONE process and one run: the same signed Resend
// deliveries through the bare routes (svix verify only, the issue-11 floor), through this
// checkout's adapters, and through another checkout's (built) adapters, in interleaved chunks
// (light-my-request, no sockets; best chunk counts, so load from other work only adds time).
// Also times each checkout's verify() alone, to tell a faster verifier from a cheaper adapter.
//
//   node bench/webhooks/compare-checkouts.mjs <other checkout> [static|unique] [chunk] [rounds]
//
// static: one delivery replayed, replay store off (the main autocannon rows).
// unique: a fresh svix-id per delivery (signed before its chunk, outside the timing), the
//         default in-memory replay store on (the "unique ids" row).
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import Fastify from "fastify";
import { Webhook } from "svix";
import { markdownTable } from "../lib/format.mjs";
import { deliveredEvent, newSigningSecret, signer, webhookPath } from "./payload.mjs";

const [otherArg, mode = "static", chunkArg = "50", roundsArg = "200"] = process.argv.slice(2);
if (!otherArg || !["static", "unique"].includes(mode)) {
  console.error(
    "usage: node bench/webhooks/compare-checkouts.mjs <other checkout> [static|unique] [chunk] [rounds]",
  );
  process.exit(2);
}
const chunk = Number(chunkArg);
const rounds = Number(roundsArg);
const require = createRequire(import.meta.url);
const inject = createRequire(require.resolve("fastify"))("light-my-request");

/** The built packages of a checkout, resolved as its own bench/ would. */
async function checkout(root) {
  const from = createRequire(resolve(root, "bench/package.json"));
  const load = (id) => import(pathToFileURL(from.resolve(id)).href);
  return {
    resendWebhooks: (await load("@anymail/resend")).resendWebhooks,
    anymailFastify: (await load("@anymail/webhooks/fastify")).anymailFastify,
    anymailExpress: (await load("@anymail/webhooks/express")).anymailExpress,
    unstable: await load("@anymail/resend/internal-unstable"),
  };
}

const here = resolve(new URL("../..", import.meta.url).pathname);
const current = await checkout(here);
const trees = [
  { label: "this checkout", ...current },
  { label: `other (${otherArg})`, ...(await checkout(resolve(otherArg))) },
  { label: "this checkout, verify() by svix (diagnostic)", ...current, svixVerify: true },
];
const secret = newSigningSecret();
const sign = signer(secret);
let sequence = 0;

/** The headers of one delivery: the same one (static) or a fresh id each time (unique). */
const staticHeaders = deliveryHeaders("msg_static");
function deliveryHeaders(id) {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": String(timestamp),
    "svix-signature": sign(id, timestamp, deliveredEvent),
  };
}
const nextHeaders = () =>
  mode === "static" ? staticHeaders : deliveryHeaders(`msg_${(sequence++).toString(36)}`);

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Resend's provider with its verify() swapped for svix's (as before the own verifier), the
 * rest unchanged: tells what the adapter path alone costs, apart from the verifier.
 */
function withSvixVerify(provider) {
  const webhook = new Webhook(secret);
  return {
    ...provider,
    async verify(_kind, request) {
      const headers = {};
      for (const name of ["svix-id", "svix-timestamp", "svix-signature"]) {
        headers[name] = request.headers.get(name) ?? "";
      }
      webhook.verify(decoder.decode(request.body), headers);
      return { deliveryId: headers["svix-id"] };
    },
  };
}

const anymailOptions = (tree) => {
  const provider = tree.resendWebhooks({ signingSecret: secret });
  return {
    providers: [tree.svixVerify ? withSvixVerify(provider) : provider],
    onTracking: () => {},
    ...(mode === "static" ? { replayStore: false } : {}),
  };
};

async function fastifyRoute(tree) {
  const app = Fastify({ logger: false });
  if (tree)
    await app.register(tree.anymailFastify, { prefix: "/anymail", ...anymailOptions(tree) });
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
  return (headers) =>
    app.inject({ method: "POST", url: webhookPath, headers, payload: deliveredEvent });
}

function expressRoute(tree) {
  const app = express();
  if (tree) app.use("/anymail", tree.anymailExpress(anymailOptions(tree)));
  else {
    const webhook = new Webhook(secret);
    app.post(webhookPath, express.raw({ type: "*/*" }), (req, res) => {
      webhook.verify(req.body, req.headers);
      res.status(200).end();
    });
  }
  return (headers) =>
    inject(app, { method: "POST", url: webhookPath, headers, payload: deliveredEvent });
}

const signed = (us) => `${us < 0 ? "−" : "+"}${Math.abs(us).toFixed(1)} µs`;

/** Interleaved chunks; the best chunk of each variant, in µs per call. */
async function race(variants) {
  const best = variants.map(() => Number.POSITIVE_INFINITY);
  for (let round = -2; round < rounds; round++) {
    for (const [index, variant] of variants.entries()) {
      const inputs = Array.from({ length: chunk }, nextHeaders);
      const begin = performance.now();
      for (const input of inputs) await variant.run(input);
      const us = ((performance.now() - begin) * 1000) / chunk;
      if (round >= 0) best[index] = Math.min(best[index], us);
    }
  }
  return best;
}

const rows = [];
for (const [framework, route] of [
  ["Fastify", fastifyRoute],
  ["Express", expressRoute],
]) {
  const variants = [
    { label: "bare route + svix verify (floor)", run: await route(undefined) },
    ...(await Promise.all(
      trees.map(async (tree) => ({ label: `anymail, ${tree.label}`, run: await route(tree) })),
    )),
  ];
  for (const variant of variants) {
    const answer = await variant.run(nextHeaders());
    if (answer.statusCode !== 200) throw new Error(`${variant.label}: ${answer.statusCode}`);
    const run = variant.run;
    variant.run = async (headers) => {
      const reply = await run(headers);
      if (reply.statusCode !== 200) throw new Error(`${variant.label}: ${reply.statusCode}`);
    };
  }
  const best = await race(variants);
  for (const [index, variant] of variants.entries()) {
    rows.push([
      framework,
      variant.label,
      `${best[index].toFixed(1)} µs`,
      index === 0 ? "" : signed(best[index] - best[0]),
      `${(best[0] / best[index]).toFixed(2)}×`,
    ]);
  }
}

// The verifiers alone, on the same delivery (no framework, no Headers built per call).
const body = new TextEncoder().encode(deliveredEvent);
// One Webhook instance, like the bare routes (built once, outside the timing).
const svixWebhook = new Webhook(secret);
const verifyVariants = [
  {
    label: "svix Webhook#verify (the bare routes' check)",
    run: () => svixWebhook.verify(deliveredEvent, staticHeaders),
  },
  ...trees.slice(0, 2).map((tree) => {
    const provider = tree.resendWebhooks({ signingSecret: secret });
    const request = { method: "POST", url: webhookPath, headers: new Headers(staticHeaders), body };
    return {
      label: `resendWebhooks().verify(), ${tree.label}`,
      run: () => provider.verify("tracking", request),
    };
  }),
];
// This checkout's verifier alone, on both engines, where it has one.
const { createSvixVerifier } = current.unstable;
if (createSvixVerifier) {
  const headers = new Headers(staticHeaders);
  for (const engine of ["auto", "web-crypto"]) {
    const verify = createSvixVerifier(secret, "bench", engine);
    verifyVariants.push({
      label: `this checkout's svix verifier alone, ${engine === "auto" ? "node:crypto" : "Web Crypto"}`,
      run: () => verify(body, headers),
    });
  }
}
const verifyBest = await (async () => {
  const best = verifyVariants.map(() => Number.POSITIVE_INFINITY);
  for (let round = -2; round < rounds; round++) {
    for (const [index, variant] of verifyVariants.entries()) {
      const begin = performance.now();
      for (let i = 0; i < chunk; i++) await variant.run();
      if (round >= 0)
        best[index] = Math.min(best[index], ((performance.now() - begin) * 1000) / chunk);
    }
  }
  return best;
})();
for (const [index, variant] of verifyVariants.entries()) {
  rows.push(["in-process", variant.label, `${verifyBest[index].toFixed(1)} µs`, "", ""]);
}

console.log(
  `mode ${mode}; ${rounds} rounds × ${chunk} requests per variant, interleaved; best chunk (µs per request, light-my-request, no sockets)\n`,
);
console.log(
  markdownTable(["framework", "receiver", "µs/request", "over the floor", "floor ÷ this"], rows),
);
