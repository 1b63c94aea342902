// A batch split over several calls (Resend takes 100 per /emails/batch), a fault injected on
// the second call, end to end against the emulator: Resend de-duplicates by key, so core
// retries only that call, under its own key, and nothing is stored twice.
import { type AnymailPartialSend, createMailer, type EmailMessage } from "@anymail/core";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resend } from "../src/index.js";
import { recipients } from "./support/messages.js";

let emu: ResendEmulator;
beforeAll(async () => {
  emu = await startResendEmulator({ port: 0, rateLimit: false });
});
afterEach(() => {
  emu.reset();
  emu.setFaults(undefined);
});
afterAll(() => emu.close());

const to = recipients(250);
const message: EmailMessage = {
  from: "shop@example.com",
  to,
  subject: "Spring",
  text: "Hello",
  mergeMetadata: Object.fromEntries(to.map((address, i) => [address, { n: i }])),
  idempotencyKey: "spring",
};

async function sendWithFault(fault: Parameters<ResendEmulator["setFaults"]>[0]) {
  emu.setFaults(fault);
  const provider = resend({ apiKey: "re_split_key", apiUrl: emu.url });
  const mailer = createMailer({ provider, retry: { attempts: 3, baseDelayMs: 1 } });
  try {
    return await mailer.send(message);
  } finally {
    await mailer.close();
  }
}

function expectEachRecipientStoredOnce(result: Awaited<ReturnType<typeof sendWithFault>>) {
  expect(emu.emails).toHaveLength(250);
  expect(new Set(emu.emails.map((e) => e.to[0])).size).toBe(250);
  const idByRecipient = new Map(emu.emails.map((e) => [e.to[0], e.id]));
  for (const address of to) {
    expect(result.recipients[address]).toEqual({
      status: "queued",
      messageId: idByRecipient.get(address),
    });
  }
  expect(new Set(emu.emails.map((e) => e.idempotencyKey))).toEqual(
    new Set(["spring/1", "spring/2", "spring/3"]),
  );
}

describe("Resend: a split send whose second call fails", () => {
  it("a lost answer (stored, then dropped): call 2 alone is retried and answered from the idempotency cache", async () => {
    const result = await sendWithFault({
      "POST /emails/batch": { dropResponseRate: 1, afterRequests: 1, maxFaults: 1 },
    });
    expectEachRecipientStoredOnce(result);
  });

  it("a 503 on call 2: only call 2 is retried", async () => {
    const result = await sendWithFault({
      "POST /emails/batch": { errorRate: 1, errorStatus: 503, afterRequests: 1, maxFaults: 1 },
    });
    expectEachRecipientStoredOnce(result);
  });

  it("call 2 failing for good: AnymailPartialSend with call 1's ids and everyone else failed", async () => {
    emu.setFaults({ "POST /emails/batch": { errorRate: 1, errorStatus: 422, afterRequests: 1 } });
    const mailer = createMailer({
      provider: resend({ apiKey: "re_split_key", apiUrl: emu.url }),
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    const error = await mailer.send(message).catch((e: unknown) => e);
    await mailer.close();
    expect(error).toMatchObject({ code: "partial_send", provider: "Resend" });
    const partial = error as AnymailPartialSend;
    expect(emu.emails).toHaveLength(100);
    for (const stored of emu.emails) {
      expect(partial.result.recipients[stored.to[0]!]).toEqual({
        status: "queued",
        messageId: stored.id,
      });
    }
    expect(partial.failedRecipients).toEqual(to.slice(100));
    expect(partial.unknownRecipients).toEqual([]);
    expect(partial.cause).toMatchObject({ code: "api_error", statusCode: 422 });
  });
});
