// A batch split over several calls (Postmark takes 500 per /email/batch), a fault injected on
// the second call, end to end against the emulator. Postmark has no idempotency key: core
// retries call 2 only when Postmark provably did not take it, never sends call 1 again, and
// otherwise reports exactly who was accepted, who may have been, and who was not.
import { type AnymailPartialSend, createMailer, type EmailMessage } from "@anymail/core";
import { type Emulator, type FaultConfig, startEmulator } from "@anymail/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postmark } from "../src/index.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ provider: "postmark", port: 0, rateLimit: false });
});
afterEach(() => {
  emu.reset();
  emu.setFaults(undefined);
});
afterAll(() => emu.close());

const to = Array.from({ length: 1_200 }, (_, i) => `r${i}@example.org`);
const message: EmailMessage = {
  from: "shop@example.com",
  to,
  subject: "Spring",
  text: "Hello",
  mergeMetadata: Object.fromEntries(to.map((address, i) => [address, { n: String(i) }])),
};

async function send(faults: FaultConfig) {
  emu.setFaults(faults);
  const mailer = createMailer({
    provider: postmark({ serverToken: "server-token", apiUrl: emu.url }),
    retry: { attempts: 3, baseDelayMs: 1 },
  });
  try {
    return await mailer.send(message);
  } finally {
    await mailer.close();
  }
}

const storedRecipients = () => emu.emails.map((e) => e.to[0]);

describe("Postmark: a split send whose second call fails", () => {
  it("a 503 on call 2 (Postmark answered: not accepted) is retried, call 1 is not sent again", async () => {
    const result = await send({
      "POST /email/batch": { errorRate: 1, errorStatus: 503, afterRequests: 1, maxFaults: 1 },
    });
    expect(storedRecipients()).toHaveLength(1_200);
    expect(new Set(storedRecipients()).size).toBe(1_200);
    expect(Object.keys(result.recipients)).toHaveLength(1_200);
    expect(result.status).toEqual(new Set(["sent"]));
  });

  it("a lost answer on call 2 (stored, no response): not retried; AnymailPartialSend says who is where", async () => {
    const error = (await send({
      "POST /email/batch": { dropResponseRate: 1, afterRequests: 1, maxFaults: 1 },
    }).catch((e: unknown) => e)) as AnymailPartialSend;
    expect(error).toMatchObject({ code: "partial_send", provider: "Postmark" });
    // Call 1 accepted, call 2 stored by Postmark though its answer was lost, call 3 never made.
    expect(storedRecipients()).toHaveLength(1_000);
    expect(new Set(storedRecipients()).size).toBe(1_000);
    const statuses = to.map((address) => error.result.recipients[address]?.status);
    expect(statuses.slice(0, 500).every((s) => s === "sent")).toBe(true);
    expect(error.unknownRecipients).toEqual(to.slice(500, 1_000));
    expect(error.failedRecipients).toEqual(to.slice(1_000));
    expect(error.cause).toMatchObject({ code: "api_error", kind: "network", retryable: false });
    // The accepted ids are Postmark's.
    const ids = new Set(emu.emails.map((e) => e.id));
    expect(ids.has(error.result.recipients[to[0]!]!.messageId!)).toBe(true);
  });
});
