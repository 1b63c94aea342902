// The Mailgun fault soak: like soak.mjs, but for a provider WITHOUT idempotency keys.
// Mailgun can't dedupe a retry, so the guarantee is "at most once, and exactly once whenever
// send() resolves": failures Mailgun provably didn't accept (5xx, 429, refused connections)
// are retried; a failure after the request was written (reset, lost response) is ambiguous
// and surfaces as a typed, non-retryable error instead of risking a second email.
import { randomUUID } from "node:crypto";
import { createMailer, isAnymailError } from "@anymail/core";
import { startEmulator } from "@anymail/emulator";
import { mailgun } from "@anymail/mailgun";

export { ISSUE_8_FAULTS, SOAK_RETRY } from "./soak.mjs";
import { ISSUE_8_FAULTS, SOAK_RETRY } from "./soak.mjs";

const ENDPOINT = "POST /v3/:domain/messages";

function countingProvider(provider, attempts) {
  return {
    name: provider.name,
    features: provider.features,
    async send(message, context) {
      try {
        const result = await provider.send(message, context);
        attempts.ok = (attempts.ok ?? 0) + 1;
        return result;
      } catch (error) {
        const label = !isAnymailError(error)
          ? "untyped"
          : error.statusCode !== undefined
            ? String(error.statusCode)
            : `${error.kind}${error.retryable ? " (retried)" : " (ambiguous)"}`;
        attempts[label] = (attempts[label] ?? 0) + 1;
        throw error;
      }
    },
    close: () => provider.close?.(),
  };
}

async function runPool(count, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * Sends `sends` messages through createMailer + mailgun() to a faulty Mailgun emulator and
 * reconciles each send with what the emulator stored (by an `X-Soak-Id` header).
 */
export async function runMailgunFaultSoak(options) {
  const {
    sends,
    concurrency = 32,
    seed = 13,
    requestsPerSecond = 300,
    faults = ISSUE_8_FAULTS,
    retry = SOAK_RETRY,
  } = options;
  const emu = await startEmulator({
    provider: "mailgun",
    port: 0,
    seed,
    rateLimit: { requestsPerSecond },
    retention: { maxEmails: sends * 2 + 1_000 },
    deliveryDelayMs: 60_000, // no lifecycle events needed here
    faults: { [ENDPOINT]: faults },
  });
  const attempts = {};
  const provider = countingProvider(
    mailgun({ apiKey: "key-soak", apiUrl: `${emu.url}/v3`, timeoutMs: 10_000 }),
    attempts,
  );
  const mailer = createMailer({ provider, retry });
  const runId = randomUUID().slice(0, 8);
  const outcomes = new Array(sends);
  const started = performance.now();
  try {
    await runPool(sends, concurrency, async (i) => {
      try {
        const result = await mailer.send({
          from: "Soak <soak@mg.example.com>",
          to: `r${i}@example.com`,
          subject: `soak ${runId}-${i}`,
          text: `send ${i}`,
          headers: { "X-Soak-Id": `${runId}-${i}` },
        });
        outcomes[i] = { ok: true, id: result.messageId };
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    });
  } finally {
    await mailer.close();
  }
  const durationMs = performance.now() - started;

  const stored = new Map();
  for (const email of emu.emails) {
    const soakId = email.headers?.["X-Soak-Id"];
    if (typeof soakId !== "string" || !soakId.startsWith(`${runId}-`)) continue;
    stored.set(soakId, [...(stored.get(soakId) ?? []), email.messageId]);
  }
  const report = {
    sends,
    resolved: 0,
    threwTyped: 0,
    threwUntyped: 0,
    errorCodes: {},
    storedEmails:
      stored.size === 0 ? 0 : [...stored.values()].reduce((n, ids) => n + ids.length, 0),
    lost: 0,
    duplicated: 0,
    wrongId: 0,
    thrownButStored: 0,
    thrownRetryableButStored: 0,
    attempts,
    durationMs: Math.round(durationMs),
    sendsPerSecond: Math.round((sends / durationMs) * 1000),
    problems: [],
  };
  for (let i = 0; i < sends; i++) {
    const outcome = outcomes[i];
    const ids = stored.get(`${runId}-${i}`) ?? [];
    if (ids.length > 1) {
      report.duplicated++;
      report.problems.push(`send ${i} stored ${ids.length} times`);
    }
    if (!outcome) {
      report.problems.push(`send ${i} never settled`);
    } else if (outcome.ok) {
      report.resolved++;
      if (ids.length === 0) {
        report.lost++;
        report.problems.push(`send ${i} resolved but not stored`);
      } else if (ids[0] !== outcome.id) {
        report.wrongId++;
        report.problems.push(`send ${i}: returned ${outcome.id} ≠ stored ${ids[0]}`);
      }
    } else if (isAnymailError(outcome.error)) {
      report.threwTyped++;
      const error = outcome.error;
      const code = `${error.code}/${error.kind ?? ""}${error.statusCode ? ` ${error.statusCode}` : ""}`;
      report.errorCodes[code] = (report.errorCodes[code] ?? 0) + 1;
      if (ids.length > 0) {
        report.thrownButStored++;
        // Stored yet reported as safe to retry would invite a duplicate.
        if (error.retryable) {
          report.thrownRetryableButStored++;
          report.problems.push(`send ${i} threw a retryable error but was stored`);
        }
      }
    } else {
      report.threwUntyped++;
      report.problems.push(`send ${i} threw untyped ${String(outcome.error)}`);
    }
  }
  report.problems = report.problems.slice(0, 20);
  await emu.close();
  return report;
}

export function formatMailgunSoakReport(title, report) {
  return [
    `${title}: ${report.sends} sends in ${report.durationMs} ms (${report.sendsPerSecond} sends/s)`,
    `  resolved ${report.resolved}, threw typed ${report.threwTyped} ${JSON.stringify(report.errorCodes)}, threw untyped ${report.threwUntyped}`,
    `  emulator stored ${report.storedEmails}; lost ${report.lost}, duplicated ${report.duplicated}, wrong id ${report.wrongId}, thrown-but-stored ${report.thrownButStored} (retryable ones: ${report.thrownRetryableButStored})`,
    `  attempts by outcome ${JSON.stringify(report.attempts)}`,
    ...report.problems.map((p) => `  ! ${p}`),
  ].join("\n");
}
