// A Mailgun batch send over 1,000 recipients, split by core into calls that fit, end to end
// against the emulator's Mailgun personality (which refuses more than 1,000 per message),
// with a fault on the second call. Mailgun has no idempotency key.
import { type AnymailPartialSend, createMailer, type EmailMessage } from "@anymail/core";
import { type Emulator, type FaultConfig, startEmulator } from "@anymail/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mailgun } from "../src/index.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ provider: "mailgun", port: 0, rateLimit: false });
});
afterEach(() => {
  emu.reset();
  emu.setFaults(undefined);
});
afterAll(() => emu.close());

const to = Array.from({ length: 2_500 }, (_, i) => `r${i}@example.org`);
const message: EmailMessage = {
  from: "shop@mg.example.com",
  to,
  subject: "Hi %recipient.name%",
  text: "Hello",
  mergeData: Object.fromEntries(to.map((address, i) => [address, { name: `n${i}` }])),
};
const ENDPOINT = "POST /v3/:domain/messages";

async function send(faults: FaultConfig) {
  emu.setFaults(faults);
  const mailer = createMailer({
    provider: mailgun({ apiKey: "key-split", apiUrl: `${emu.url}/v3` }),
    retry: { attempts: 3, baseDelayMs: 1 },
  });
  try {
    return await mailer.send(message);
  } finally {
    await mailer.close();
  }
}

describe("Mailgun: a split send whose second call fails", () => {
  it("a 503 on call 2 is retried alone: every recipient stored once, in three calls", async () => {
    const result = await send({
      [ENDPOINT]: { errorRate: 1, errorStatus: 503, afterRequests: 1, maxFaults: 1 },
    });
    const stored = emu.emails.map((e) => e.to[0]);
    expect(stored).toHaveLength(2_500);
    expect(new Set(stored).size).toBe(2_500);
    expect(new Set(emu.emails.map((e) => e.messageId)).size).toBe(3);
    expect(Object.keys(result.recipients)).toHaveLength(2_500);
    expect(emu.emails.find((e) => e.to[0] === "r1999@example.org")?.subject).toBe("Hi n1999");
  });

  it("a lost answer on call 2 is not retried: AnymailPartialSend", async () => {
    const error = (await send({
      [ENDPOINT]: { dropResponseRate: 1, afterRequests: 1, maxFaults: 1 },
    }).catch((e: unknown) => e)) as AnymailPartialSend;
    expect(error).toMatchObject({ code: "partial_send", provider: "Mailgun" });
    expect(emu.emails).toHaveLength(2_000);
    expect(error.unknownRecipients).toEqual(to.slice(1_000, 2_000));
    expect(error.failedRecipients).toEqual(to.slice(2_000));
    expect(error.result.recipients[to[0]!]?.status).toBe("queued");
  });
});
