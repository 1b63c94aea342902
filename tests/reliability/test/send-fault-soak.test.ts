import { type AnymailAPIError, createMailer, isAnymailError } from "@anymail/core";
import { resend } from "@anymail/resend";
import { startResendEmulator } from "@anymail/emulator";
import { describe, expect, it } from "vitest";
import { formatSoakReport, runFaultSoak } from "../src/soak.mjs";

// Issue 8: 2,000 sends at concurrency 32 against 15% 500s, 10% resets, 10% accept-then-drop
// and rate-limit 429 bursts. Exactly one stored email per send, the id we returned is the
// id stored, and every failure is a typed AnymailError.
describe("fault soak: createMailer + resend() against a faulty emulator", () => {
  it("single sends: 2,000 at concurrency 32, none lost, none duplicated", async () => {
    const report = await runFaultSoak({ sends: 2_000, concurrency: 32, seed: 8 });
    console.log(formatSoakReport("single-send soak", report));

    expect(report.problems).toEqual([]);
    expect(report.threwUntyped).toBe(0);
    expect(report.resolved + report.threwTyped).toBe(2_000);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.wrongId).toBe(0);
    // With 12 attempts per send a 35% fault rate should never exhaust a send.
    expect(report.resolved).toBe(2_000);
    // The faults really happened (otherwise this test proves nothing).
    const failures = Object.entries(report.attempts).filter(([k]) => k !== "ok");
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(report.attempts).some((k) => k.startsWith("429"))).toBe(true);
    expect(Object.keys(report.attempts).some((k) => k.startsWith("500"))).toBe(true);
  });

  it("batch sends: per-chunk idempotency keys keep every recipient exactly once", async () => {
    // 150 recipients = 2 chunks (keys <key>/1 and <key>/2) per send, so a failure of chunk 2
    // makes the retry replay chunk 1 — which must come back from the idempotency cache.
    const report = await runFaultSoak({
      sends: 40,
      concurrency: 8,
      batchSize: 150,
      seed: 9,
      requestsPerSecond: 40,
    });
    console.log(formatSoakReport("batch soak", report));

    expect(report.problems).toEqual([]);
    expect(report.threwUntyped).toBe(0);
    expect(report.resolved).toBe(40);
    expect(report.storedEmails).toBe(40 * 150);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.wrongId).toBe(0);
  });

  it("a send whose retries are exhausted throws a typed, retryable error and stores nothing", async () => {
    // reset 40% of requests, 503 for all the rest: no attempt can succeed.
    const report = await runFaultSoak({
      sends: 20,
      concurrency: 4,
      seed: 10,
      requestsPerSecond: 1_000,
      faults: { resetRate: 0.4, errorRate: 1, errorStatus: 503 },
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, deadlineMs: 10_000 },
    });
    console.log(formatSoakReport("always-failing soak", report));

    expect(report.resolved).toBe(0);
    expect(report.threwTyped).toBe(20);
    expect(report.threwUntyped).toBe(0);
    expect(Object.keys(report.errorCodes).every((code) => code.startsWith("api_error"))).toBe(true);
    expect(report.storedEmails).toBe(0);
  });

  it("an ambiguous failure (accepted, response lost, no retries left) is resolved by resending with the same idempotencyKey", async () => {
    const emu = await startResendEmulator({
      port: 0,
      rateLimit: false,
      faults: { "POST /emails": { dropResponseRate: 1 } },
    });
    const mailer = createMailer({
      provider: resend({ apiKey: "re_ambiguous_key", apiUrl: emu.url }),
      retry: false,
    });
    try {
      const message = {
        from: "shop@example.com",
        to: "ana@example.org",
        subject: "ambiguous",
        text: "x",
        idempotencyKey: "order-4411-confirmation",
      };
      const error = await mailer.send(message).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAnymailError(error, "api_error")).toBe(true);
      expect((error as AnymailAPIError).retryable).toBe(true);
      expect(emu.emails).toHaveLength(1); // it did go out

      // The caller's own later retry with the same key gets the original id, no second email.
      const result = await mailer.send(message);
      expect(result.messageId).toBe(emu.emails[0]!.id);
      expect(emu.emails).toHaveLength(1);
    } finally {
      await mailer.close();
      await emu.close();
    }
  });
});
