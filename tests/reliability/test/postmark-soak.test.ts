import { describe, expect, it } from "vitest";
import { formatSoakReport, runFaultSoak } from "../src/soak.mjs";

// Postmark has no idempotency key. Against the same fault mix as Resend's soak (15% 500s,
// 10% resets, 10% accept-then-drop, 429 bursts), @anymail/postmark must never send a message
// twice: it retries only what Postmark answered with an error (500, 429), and reports a lost
// response (reset, dropped) as a typed, non-retryable error instead of resending.
describe("fault soak: createMailer + postmark() against a faulty Postmark emulator", () => {
  it("single sends: 2,000 at concurrency 32, none duplicated, every ambiguous failure reported", async () => {
    const report = await runFaultSoak({
      provider: "postmark",
      sends: 2_000,
      concurrency: 32,
      seed: 8,
      requestsPerSecond: 120,
    });
    console.log(formatSoakReport("Postmark single-send soak", report));

    expect(report.problems).toEqual([]);
    expect(report.threwUntyped).toBe(0);
    expect(report.resolved + report.threwTyped).toBe(2_000);
    expect(report.duplicated).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.wrongId).toBe(0);
    // Every failure left is an ambiguous one (no answer after the request was written): the
    // 500s and 429s were all retried to success.
    for (const code of Object.keys(report.errorCodes)) {
      expect(["api_error/network", "api_error/timeout"]).toContain(code);
    }
    // Resets (nothing stored) and drops (stored, response lost) both happened, and a
    // dropped response's message was delivered exactly once although the send threw.
    expect(report.threwTyped).toBeGreaterThan(0);
    expect(report.thrownButStored).toBeGreaterThan(0);
    expect(report.thrownButStored).toBeLessThan(report.threwTyped);
    expect(report.storedEmails).toBe(report.resolved + report.thrownButStored);
    expect(Object.keys(report.attempts).some((k) => k.startsWith("500"))).toBe(true);
    expect(Object.keys(report.attempts).some((k) => k.startsWith("429"))).toBe(true);
  });

  it("batch sends: one /email/batch call per send is accepted whole or not at all", async () => {
    const report = await runFaultSoak({
      provider: "postmark",
      sends: 60,
      concurrency: 8,
      batchSize: 20,
      seed: 9,
      requestsPerSecond: 40,
    });
    console.log(formatSoakReport("Postmark batch soak", report));

    expect(report.problems).toEqual([]);
    expect(report.threwUntyped).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.storedEmails).toBe((report.resolved + report.thrownButStored / 20) * 20);
  });

  it("for contrast: a client that retries lost responses without a key sends duplicates", async () => {
    const report = await runFaultSoak({
      provider: "postmark",
      sends: 500,
      concurrency: 16,
      seed: 11,
      naiveRetries: true,
    });
    console.log(formatSoakReport("Postmark soak, naive retries (what we don't do)", report));

    expect(report.threwUntyped).toBe(0);
    expect(report.duplicated).toBeGreaterThan(0);
  });
});
