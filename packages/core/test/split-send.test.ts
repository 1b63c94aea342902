import { describe, expect, it } from "vitest";
import {
  AnymailAPIError,
  type AnymailPartialSend,
  type APIFailureKind,
  createMailer,
  type EmailMessage,
  failover,
  isAnymailError,
  type PreparedMessage,
  prepareMessage,
  splitByRecipients,
} from "../src/index.js";
import { createTestProvider, type TestProviderOptions } from "../src/testing.js";

// Five batch recipients in calls of two: [ana, bob] [cy, dee] [eve].
const TO = ["ana", "bob", "cy", "dee", "eve"].map((name) => `${name}@example.org`);
const batch: EmailMessage = {
  from: "shop@example.com",
  to: TO,
  subject: "Hi",
  mergeData: Object.fromEntries(TO.map((to) => [to, { name: to.split("@")[0] }])),
  idempotencyKey: "order-7",
};

const fail = (kind: APIFailureKind, retryable: boolean, statusCode?: number) =>
  new AnymailAPIError(`call failed: ${kind}`, {
    kind,
    retryable,
    retryAfterMs: 0,
    ...(statusCode === undefined ? {} : { statusCode }),
  });

/** A split provider whose call `n` (1-based) fails with `error` on its first `times` attempts. */
function failingCall(
  n: number,
  error: () => unknown,
  options: TestProviderOptions & { times?: number } = {},
) {
  const { times = 1, ...rest } = options;
  return createTestProvider({
    splitBatchAt: 2,
    ...rest,
    respond: (_message, context) => {
      if (context.idempotencyKey === `order-7/${n}` && context.attempt <= times) throw error();
      return undefined;
    },
  });
}

const keysOf = (provider: ReturnType<typeof createTestProvider>) =>
  provider.calls.map((call) => `${call.idempotencyKey}#${call.attempt}`);

async function partial(promise: Promise<unknown>): Promise<AnymailPartialSend> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isAnymailError(error, "partial_send"), String(error)).toBe(true);
  return error as AnymailPartialSend;
}

describe("splitByRecipients", () => {
  it("slices the to list of a batch send, keeping everything else", () => {
    const prepared = prepareMessage({ ...batch, cc: "boss@example.com" });
    const parts = splitByRecipients(prepared, 2);
    expect(parts.map((p) => p.to.map((a) => a.addrSpec))).toEqual([
      TO.slice(0, 2),
      TO.slice(2, 4),
      TO.slice(4),
    ]);
    for (const part of parts) {
      expect(part.cc).toBe(prepared.cc);
      expect(part.mergeData).toBe(prepared.mergeData);
      expect(part.isBatch).toBe(true);
    }
  });

  it("never splits a message that isn't a batch (its recipients see each other)", () => {
    const prepared = prepareMessage({ from: "shop@example.com", to: TO });
    expect(splitByRecipients(prepared, 2)).toEqual([prepared]);
  });

  it("refuses a size that isn't a whole number of at least 1", () => {
    const prepared = prepareMessage(batch);
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => splitByRecipients(prepared, size)).toThrow(/whole number/);
    }
  });
});

describe("a split send, run by core", () => {
  it("sends each part once under <key>/<n> and returns one result for every recipient", async () => {
    const provider = createTestProvider({ splitBatchAt: 2 });
    const result = await createMailer({ provider }).send(batch);
    expect(keysOf(provider)).toEqual(["order-7/1#1", "order-7/2#1", "order-7/3#1"]);
    expect(provider.calls.map((c) => c.params.to)).toEqual([
      TO.slice(0, 2),
      TO.slice(2, 4),
      TO.slice(4),
    ]);
    expect(Object.keys(result.recipients)).toEqual(TO);
    expect(result.recipients[TO[2]!]).toEqual({ status: "sent", messageId: "1" });
    expect(result.status).toEqual(new Set(["sent"]));
    // Each call had its own id: no single message id.
    expect(result.messageId).toBeUndefined();
  });

  it("a send that fits one call keeps the send's own key", async () => {
    const provider = createTestProvider({ splitBatchAt: 10 });
    await createMailer({ provider }).send(batch);
    expect(keysOf(provider)).toEqual(["order-7#1"]);
  });

  it("idempotent provider: only the failed call is retried, with its own key", async () => {
    const provider = failingCall(2, () => fail("http", true, 503));
    const result = await createMailer({ provider, retry: { baseDelayMs: 0 } }).send(batch);
    expect(keysOf(provider)).toEqual(["order-7/1#1", "order-7/2#1", "order-7/2#2", "order-7/3#1"]);
    expect(Object.keys(result.recipients)).toEqual(TO);
  });

  it("idempotent provider: an ambiguous failure is retried under the same key", async () => {
    const provider = failingCall(2, () => fail("network", true));
    await createMailer({ provider, retry: { baseDelayMs: 0 } }).send(batch);
    expect(keysOf(provider)).toEqual(["order-7/1#1", "order-7/2#1", "order-7/2#2", "order-7/3#1"]);
  });

  it("provider without idempotency: a failure before the request was written is retried", async () => {
    const provider = failingCall(2, () => fail("connect", true), { idempotent: false });
    await createMailer({ provider, retry: { baseDelayMs: 0 } }).send(batch);
    expect(keysOf(provider)).toEqual(["order-7/1#1", "order-7/2#1", "order-7/2#2", "order-7/3#1"]);
  });

  it("provider without idempotency: an ambiguous failure is not retried; AnymailPartialSend says who is where", async () => {
    const provider = failingCall(2, () => fail("network", true), { idempotent: false });
    const error = await partial(createMailer({ provider, retry: { baseDelayMs: 0 } }).send(batch));
    expect(keysOf(provider)).toEqual(["order-7/1#1", "order-7/2#1"]);
    expect(error.code).toBe("partial_send");
    expect(error.provider).toBe("Test");
    expect(error.result.recipients).toEqual({
      [TO[0]!]: { status: "sent", messageId: "0" },
      [TO[1]!]: { status: "sent", messageId: "0" },
      [TO[2]!]: { status: "unknown" },
      [TO[3]!]: { status: "unknown" },
      [TO[4]!]: { status: "failed" },
    });
    expect(error.result.status).toEqual(new Set(["sent", "unknown", "failed"]));
    expect(error.unknownRecipients).toEqual(TO.slice(2, 4));
    expect(error.failedRecipients).toEqual(TO.slice(4));
    expect(error.cause).toMatchObject({ code: "api_error", kind: "network", retryable: false });
    expect(error.message).toMatch(
      /accepted 1 of the 3 calls.*may have been accepted.*calls 3–3 were not made/,
    );
  });

  it("a refusal of a later call (not retryable) marks its recipients failed", async () => {
    const provider = failingCall(2, () => fail("http", false, 422));
    const error = await partial(createMailer({ provider, retry: { baseDelayMs: 0 } }).send(batch));
    expect(keysOf(provider)).toEqual(["order-7/1#1", "order-7/2#1"]);
    expect(error.failedRecipients).toEqual(TO.slice(2));
    expect(error.unknownRecipients).toEqual([]);
    expect(error.cause).toMatchObject({ statusCode: 422 });
  });

  it("retries exhausted on a later call: the accepted calls are kept, never sent again", async () => {
    const provider = failingCall(3, () => fail("http", true, 503), { times: 99 });
    const error = await partial(
      createMailer({ provider, retry: { attempts: 3, baseDelayMs: 0 } }).send(batch),
    );
    expect(keysOf(provider)).toEqual([
      "order-7/1#1",
      "order-7/2#1",
      "order-7/3#1",
      "order-7/3#2",
      "order-7/3#3",
    ]);
    expect(error.failedRecipients).toEqual([TO[4]]);
    expect(Object.values(error.result.recipients).filter((r) => r.status === "sent")).toHaveLength(
      4,
    );
  });

  it("a failure of the first call that proves nothing was accepted is the send's own error", async () => {
    const provider = failingCall(1, () => fail("http", false, 401), { idempotent: false });
    const error = await createMailer({ provider })
      .send(batch)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "api_error", statusCode: 401 });
    expect(keysOf(provider)).toEqual(["order-7/1#1"]);
  });

  it("an ambiguous failure of the first call reports the later calls as not made", async () => {
    const provider = failingCall(1, () => fail("timeout", true), { idempotent: false });
    const error = await partial(createMailer({ provider }).send(batch));
    expect(error.unknownRecipients).toEqual(TO.slice(0, 2));
    expect(error.failedRecipients).toEqual(TO.slice(2));
  });

  it("a provider bug (untyped throw) on a later call leaves its recipients unknown", async () => {
    const provider = failingCall(2, () => new TypeError("boom"), { idempotent: false });
    const error = await partial(createMailer({ provider }).send(batch));
    expect(error.unknownRecipients).toEqual(TO.slice(2, 4));
    expect(isAnymailError(error.cause)).toBe(false);
  });

  it("no new call starts after the send's deadline", async () => {
    let clock = 0;
    const provider = createTestProvider({
      splitBatchAt: 2,
      respond: () => {
        clock += 10_000; // each call takes ten seconds
        return undefined;
      },
    });
    const mailer = createMailer({ provider, retry: { deadlineMs: 15_000, now: () => clock } });
    const error = await partial(mailer.send(batch));
    expect(provider.calls).toHaveLength(2);
    expect(error.failedRecipients).toEqual([TO[4]]);
    expect(error.cause).toMatchObject({ kind: "timeout" });
  });

  it("recipients refused inside accepted calls keep their statuses", async () => {
    const provider = createTestProvider({
      splitBatchAt: 2,
      respond: (message: PreparedMessage) => ({
        status: new Set(["rejected"]),
        recipients: Object.fromEntries(
          message.to.map((a) => [a.addrSpec, { status: "rejected" as const }]),
        ),
      }),
    });
    // Every recipient refused, across parts: the mailer's usual AnymailRecipientsRefused.
    await expect(createMailer({ provider }).send(batch)).rejects.toMatchObject({
      code: "recipients_refused",
    });
  });
});

describe("a split send under failover()", () => {
  it("a member's later call failing is thrown as AnymailPartialSend, not sent elsewhere", async () => {
    const first = failingCall(2, () => fail("http", true, 503), { name: "First" });
    const second = createTestProvider({ name: "Second" });
    const mailer = createMailer({ provider: failover([first, second]), retry: false });
    const error = await partial(mailer.send(batch));
    expect(second.calls).toHaveLength(0);
    expect(error.provider).toBe("First");
    expect(error.failedRecipients).toEqual(TO.slice(2));
  });

  it("a member's first call refused moves the whole send to the next member", async () => {
    const first = failingCall(1, () => fail("http", true, 503), { name: "First" });
    const second = createTestProvider({ name: "Second", splitBatchAt: 2 });
    const mailer = createMailer({ provider: failover([first, second]), retry: false });
    const result = await mailer.send(batch);
    expect(result.provider).toBe("Second");
    expect(keysOf(second)).toEqual(["order-7/1#1", "order-7/2#1", "order-7/3#1"]);
  });
});
