import { describe, expect, it } from "vitest";
import { SOAK_RETRY, formatMailgunSoakReport, runMailgunFaultSoak } from "../src/mailgun-soak.mjs";

// Mailgun has no idempotency key: exactly once whenever send() resolves, at most once
// otherwise, never twice. Same fault mix as the Resend soak (15% 500s, 10% resets,
// 10% accept-then-drop, 429 bursts).
describe("fault soak: createMailer + mailgun() against a faulty Mailgun emulator", () => {
  it("2,000 sends at concurrency 32: never duplicated, resolved ones stored exactly once", async () => {
    const report = await runMailgunFaultSoak({ sends: 2_000, concurrency: 32, seed: 13 });
    console.log(formatMailgunSoakReport("mailgun soak", report));

    expect(report.problems).toEqual([]);
    expect(report.threwUntyped).toBe(0);
    expect(report.resolved + report.threwTyped).toBe(2_000);
    expect(report.duplicated).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.wrongId).toBe(0);
    expect(report.thrownRetryableButStored).toBe(0);
    // The faults really happened, 5xx were retried (sends still resolved), and the ambiguous
    // ones were surfaced rather than retried. (429 bursts depend on the machine's speed here;
    // the next test forces them.)
    expect(Object.keys(report.attempts).some((k) => k.startsWith("500"))).toBe(true);
    expect(report.threwTyped).toBeGreaterThan(0);
    expect(report.resolved).toBeGreaterThan(2_000 * 0.6);
  });

  it("only answers Mailgun gave (503s, 429s from a 20/s limit): every send resolved, each stored once", async () => {
    const report = await runMailgunFaultSoak({
      sends: 150,
      concurrency: 16,
      seed: 14,
      requestsPerSecond: 20,
      faults: { errorRate: 0.3, errorStatus: 503 },
      // Mailgun's 429 carries no Retry-After, so only backoff spaces the retries: waits of up
      // to 40 ms let 16 senders exhaust 12 attempts inside one 1 s window on a loaded machine.
      // Backoff that reaches past the window is what a user facing Mailgun's limit configures.
      retry: { ...SOAK_RETRY, attempts: 20, maxDelayMs: 1_000 },
    });
    console.log(formatMailgunSoakReport("mailgun 503 + 429 soak", report));
    expect(report.problems).toEqual([]);
    expect(report.resolved).toBe(150);
    expect(report.storedEmails).toBe(150);
    expect(report.attempts["503"]).toBeGreaterThan(0);
    expect(report.attempts["429"]).toBeGreaterThan(0);
  });
});
