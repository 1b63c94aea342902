// Where a send's CPU goes, stage by stage, in-process and without HTTP: the numbers that
// explain the gap between anymail and raw undici in the throughput table. Each stage runs
// after a warm-up; µs per call.
import { randomUUID } from "node:crypto";
import { fmt, markdownTable } from "../lib/format.mjs";
import { neutralMessage, resendPayload } from "./message.mjs";

// Best of 5 chunks: the minimum is the estimate least disturbed by other work on the
// machine (interference only ever adds time).
const CHUNKS = 5;

async function timeSync(fn, iterations) {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn();
  const perChunk = Math.ceil(iterations / CHUNKS);
  let best = Number.POSITIVE_INFINITY;
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const begin = performance.now();
    for (let i = 0; i < perChunk; i++) fn();
    best = Math.min(best, ((performance.now() - begin) * 1000) / perChunk);
  }
  return best;
}

async function timeAsync(fn, iterations) {
  for (let i = 0; i < Math.min(2000, iterations); i++) await fn();
  const perChunk = Math.ceil(iterations / CHUNKS);
  let best = Number.POSITIVE_INFINITY;
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const begin = performance.now();
    for (let i = 0; i < perChunk; i++) await fn();
    best = Math.min(best, ((performance.now() - begin) * 1000) / perChunk);
  }
  return best;
}

function batchMessage(count) {
  const to = Array.from({ length: count }, (_, i) => `user${i}@example.org`);
  return {
    from: "Shop <shop@example.com>",
    to,
    subject: "Spring sale starts today",
    text: "Hi, our spring sale starts today.",
    metadata: { campaign: "spring-2025" },
    mergeMetadata: Object.fromEntries(to.map((address, i) => [address, { userId: i }])),
  };
}

export async function benchBreakdown({ quick, log }) {
  // The pipeline stages are not public API: the unstable subpaths exist for this file.
  const core = {
    ...(await import("@anymail/core")),
    ...(await import("@anymail/core/internal-unstable")),
  };
  const resendPackage = {
    ...(await import("@anymail/resend")),
    ...(await import("@anymail/resend/internal-unstable")),
  };
  const n = quick ? 5_000 : 20_000;
  const features = resendPackage.resendFeatures({ verifyAttachmentExtensions: true });
  const fixedResult = {
    messageId: "x",
    status: new Set(["queued"]),
    recipients: { "ana@example.org": { status: "queued", messageId: "x" } },
  };
  const noHttpProvider = { name: "Resend", features, send: async () => fixedResult };
  const mailerNoHttp = core.createMailer({ provider: noHttpProvider });
  const mailerNoHttpNoRetry = core.createMailer({ provider: noHttpProvider, retry: false });
  const prepared = core.prepareMessage(neutralMessage(0));
  let n1 = 0;
  let n2 = 0;
  let n3 = 0;
  let n4 = 0;
  let n5 = 0;
  const retryOptions = core.resolveRetryOptions({});

  const rows = [];
  const stage = async (label, fn, isAsync = false) => {
    const us = isAsync ? await timeAsync(fn, n) : await timeSync(fn, n);
    rows.push({ label, us });
  };

  // Unique recipients per call where a real app would have them (core memoizes parses:
  // repeating one address would measure cache hits only).
  await stage("raw: JSON.stringify(resend payload)", () => JSON.stringify(resendPayload(n1++)));
  await stage("raw: crypto.randomUUID()", () => randomUUID());
  await stage("core combineDefaults (no defaults)", () =>
    core.combineDefaults(undefined, neutralMessage(0)),
  );
  await stage('core parseAddress("Shop <shop@example.com>"), repeated (memo hit)', () =>
    core.parseAddress("Shop <shop@example.com>", "from"),
  );
  await stage('core parseAddressList("Customer N <customerN@…>"), new each call', () =>
    core.parseAddressList(`Customer ${n2} <customer${n2++}@example.org>`, "to"),
  );
  // What-if, not anymail code: the cost of matching the same new address with one strict
  // regular expression, i.e. the core of the fast path proposed in docs/benchmarks.md.
  const simpleMailbox = /^([A-Za-z0-9 ]+) <([A-Za-z0-9._+-]+)@([A-Za-z0-9.-]+)>$/;
  let n6 = 0;
  await stage("what-if: one strict regex match of the same kind of new address", () =>
    simpleMailbox.exec(`Customer ${n6} <customer${n6++}@example.org>`),
  );
  await stage("core prepareMessage, new recipient each call", () =>
    core.prepareMessage(neutralMessage(n3++)),
  );
  await stage("core prepareMessage, same message (memo hits)", () =>
    core.prepareMessage(neutralMessage(0)),
  );
  await stage("core checkFeatures (Resend features)", () =>
    core.checkFeatures(noHttpProvider, prepared, {}),
  );
  await stage("resend planResendRequest (payload + JSON)", () =>
    resendPackage.planResendRequest(prepared),
  );
  await stage("AbortController + setTimeout/clearTimeout + add/removeEventListener", () => {
    const controller = new AbortController();
    const timer = setTimeout(() => {}, 60_000);
    const onAbort = () => {};
    controller.signal.addEventListener("abort", onAbort, { once: true });
    controller.signal.removeEventListener("abort", onAbort);
    clearTimeout(timer);
  });
  await stage(
    "core withRetries(default policy, resolved op)",
    () => core.withRetries(retryOptions, async () => 1),
    true,
  );
  await stage(
    "mailer.send, provider without HTTP (retries on), new recipient each call",
    () => mailerNoHttp.send(neutralMessage(n4++)),
    true,
  );
  await stage(
    "mailer.send, provider without HTTP (retry: false), new recipient each call",
    () => mailerNoHttpNoRetry.send(neutralMessage(n5++)),
    true,
  );

  const batch = batchMessage(10_000);
  const batchRows = [];
  const once = async (label, fn) => {
    let value = await fn();
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const begin = performance.now();
      value = await fn();
      best = Math.min(best, performance.now() - begin);
    }
    batchRows.push({ label, ms: best });
    return value;
  };
  const preparedBatch = await once("prepareMessage (10,000 to + 10,000 mergeMetadata keys)", () =>
    core.prepareMessage(batch),
  );
  await once("parseAddressList of the 10,000 `to` alone", () =>
    core.parseAddressList(batch.to, "to"),
  );
  await once("checkFeatures", () => core.checkFeatures(noHttpProvider, preparedBatch, {}));
  // Core splits the batch (Provider.split); each part is one /emails/batch body.
  const splitter = resendPackage.resend({ apiKey: "re_bench_key", apiUrl: "http://127.0.0.1:9/" });
  await once("split + planResendRequest (100 bodies)", () =>
    splitter.split(preparedBatch).map((part) => resendPackage.planResendRequest(part)),
  );
  await once("the same 100 bodies by hand (JSON.stringify)", () => {
    const bodies = [];
    for (let i = 0; i < batch.to.length; i += 100) {
      bodies.push(
        JSON.stringify(
          batch.to.slice(i, i + 100).map((to, j) => ({
            from: batch.from,
            to: [to],
            subject: batch.subject,
            text: batch.text,
            headers: { "X-Metadata": JSON.stringify({ ...batch.metadata, userId: i + j }) },
          })),
        ),
      );
    }
    return bodies;
  });
  log(`  breakdown: ${rows.map((r) => r.us.toFixed(1)).join(" / ")} µs`);
  return { rows, batchRows, iterations: n };
}

export function renderBreakdown({ rows, batchRows, iterations }) {
  return {
    text: [
      `In-process, no HTTP, ${fmt.int(iterations)} calls per stage after a warm-up, best of 5 chunks (µs per call); batch stages best of 3 runs. The single message is the one every client sends above.`,
      "",
      markdownTable(
        ["stage (single send)", "µs/call"],
        rows.map((r) => [r.label, r.us.toFixed(2)]),
      ),
      "",
      markdownTable(
        ["stage (batch of 10,000 with mergeMetadata)", "ms"],
        batchRows.map((r) => [r.label, r.ms.toFixed(1)]),
      ),
    ].join("\n"),
    targets: [],
  };
}
