// Where a webhook request's CPU goes, stage by stage, in-process and without sockets: the
// numbers that explain the adapter-vs-bare-route gap in the autocannon table (µs per call).
import { fmt, markdownTable } from "../lib/format.mjs";
import { deliveredEvent, newSigningSecret, signer, webhookPath } from "./payload.mjs";

// Best of 5 chunks: interference from other work only ever adds time.
async function time(fn, iterations) {
  for (let i = 0; i < Math.min(2000, iterations); i++) await fn();
  const perChunk = Math.ceil(iterations / 5);
  let best = Number.POSITIVE_INFINITY;
  for (let chunk = 0; chunk < 5; chunk++) {
    const begin = performance.now();
    for (let i = 0; i < perChunk; i++) await fn();
    best = Math.min(best, ((performance.now() - begin) * 1000) / perChunk);
  }
  return best;
}

export async function benchWebhookBreakdown({ quick }) {
  const n = quick ? 3000 : 10_000;
  const { Webhook } = await import("svix");
  const { resendWebhooks } = await import("@anymail/resend");
  const { createSvixVerifier } = await import("@anymail/resend/internal-unstable");
  const { createWebhookHandler } = await import("@anymail/webhooks");
  const secret = newSigningSecret();
  const id = "msg_breakdown";
  const timestamp = Math.floor(Date.now() / 1000);
  const svixHeaders = {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": String(timestamp),
    "svix-signature": signer(secret)(id, timestamp, deliveredEvent),
  };
  const bodyBytes = new TextEncoder().encode(deliveredEvent);
  const url = `http://127.0.0.1${webhookPath}`;
  const webhook = new Webhook(secret);
  const provider = resendWebhooks({ signingSecret: secret });
  const raw = { method: "POST", url, headers: new Headers(svixHeaders), body: bodyBytes };
  const handler = createWebhookHandler({
    providers: [provider],
    onTracking: () => {},
    replayStore: false,
  });

  const rows = [];
  const stage = async (label, fn) => rows.push({ label, us: await time(fn, n) });
  await stage("bare: svix Webhook#verify(body, headers)", () =>
    webhook.verify(deliveredEvent, svixHeaders),
  );
  // anymail's own svix verifier, both engines: node:crypto (synchronous, what Node uses)
  // and Web Crypto (what Workers and browsers use).
  const viaNode = createSvixVerifier(secret, "bench", "auto");
  const viaWebCrypto = createSvixVerifier(secret, "bench", "web-crypto");
  await stage("anymail svix verifier, node:crypto (sync)", () => viaNode(bodyBytes, raw.headers));
  await stage("anymail svix verifier, Web Crypto (crypto.subtle)", () =>
    viaWebCrypto(bodyBytes, raw.headers),
  );
  await stage("resendWebhooks().verify()", () => provider.verify("tracking", raw));
  await stage("resendWebhooks().parse() (JSON → TrackingEvent)", () =>
    provider.parse("tracking", raw, { deliveryId: id }),
  );
  await stage("verify() + parse() on the raw bytes (no Request/Response)", async () => {
    const verified = await provider.verify("tracking", raw);
    await provider.parse("tracking", raw, verified);
  });
  await stage("new Headers(…) from 4 headers", () => new Headers(svixHeaders));
  await stage(
    "new Headers(…) + new Request(url, { body: Uint8Array })",
    () => new Request(url, { method: "POST", headers: new Headers(svixHeaders), body: bodyBytes }),
  );
  await stage("… + await request.arrayBuffer()", () =>
    new Request(url, { method: "POST", headers: svixHeaders, body: bodyBytes }).arrayBuffer(),
  );
  await stage("new Response(null, { status, headers }) + arrayBuffer()", () =>
    new Response(null, {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
    }).arrayBuffer(),
  );
  await stage("new URL(url).pathname", () => new URL(url).pathname);
  await stage("createWebhookHandler().handle(new Request(…)) end to end", async () => {
    const response = await handler.handle(
      new Request(url, { method: "POST", headers: svixHeaders, body: bodyBytes }),
    );
    if (response.status !== 200) throw new Error(`handle answered ${response.status}`);
    await response.arrayBuffer();
  });
  return { rows, iterations: n };
}

export function renderWebhookBreakdown({ rows, iterations }) {
  return markdownTable(
    [`stage (in-process, ${fmt.int(iterations)} calls each, best of 5 chunks)`, "µs/call"],
    rows.map((r) => [r.label, r.us.toFixed(2)]),
  );
}
