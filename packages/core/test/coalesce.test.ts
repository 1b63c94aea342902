import { describe, expect, it } from "vitest";
import {
  AnymailAPIError,
  AnymailUnsupportedFeature,
  createMailer,
  type EmailMessage,
  isAnymailError,
} from "../src/index.js";
import { createTestProvider } from "../src/testing.js";

const base: EmailMessage = { from: "shop@example.com", subject: "Hi", text: "Hello" };
const to = (i: number): EmailMessage => ({ ...base, to: `r${i}@example.org` });

describe("createMailer({ coalesce }): concurrent sends share one provider call", () => {
  it("groups sends made within the window, and each resolves with its own result", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider, coalesce: { max: 100, windowMs: 20 } });
    const results = await Promise.all(Array.from({ length: 250 }, (_, i) => mailer.send(to(i))));
    // 250 sends in a window: calls of at most 100 (the flush at max), so exactly 3.
    expect(provider.batchCalls.map((c) => c.messages.length)).toEqual([100, 100, 50]);
    expect(provider.outbox).toHaveLength(250);
    results.forEach((result, i) => {
      expect(Object.keys(result.recipients)).toEqual([`r${i}@example.org`]);
    });
    // Each call has its own key, different from its neighbours'.
    expect(new Set(provider.batchCalls.map((c) => c.idempotencyKey)).size).toBe(3);
  });

  it("caps max at the provider's batch size", async () => {
    const provider = createTestProvider({ batch: { maxMessages: 3 } });
    const mailer = createMailer({ provider, coalesce: { max: 50, windowMs: 10 } });
    await Promise.all(Array.from({ length: 7 }, (_, i) => mailer.send(to(i))));
    // A group of one goes through the single-send endpoint.
    expect(provider.batchCalls.map((c) => c.messages.length)).toEqual([3, 3]);
    expect(provider.outbox).toHaveLength(7);
  });

  it("settles each send with its own typed error when its item failed", async () => {
    const provider = createTestProvider({
      respond(message) {
        if (message.to[0]?.addrSpec === "r1@example.org") {
          throw new AnymailAPIError("refused r1", { statusCode: 422, provider: "Test" });
        }
        return undefined;
      },
    });
    const mailer = createMailer({ provider, coalesce: { windowMs: 10 } });
    const settled = await Promise.allSettled([0, 1, 2].map((i) => mailer.send(to(i))));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const error = (settled[1] as PromiseRejectedResult).reason;
    expect(isAnymailError(error, "api_error") && error.message).toBe("refused r1");
    expect(provider.batchCalls).toHaveLength(1);
  });

  it("retries a failed call with the same key and the same messages", async () => {
    let failures = 1;
    const provider = createTestProvider({
      respondBatch() {
        if (failures-- > 0) {
          throw new AnymailAPIError("busy", { statusCode: 503, retryable: true, provider: "Test" });
        }
        return undefined;
      },
    });
    const mailer = createMailer({
      provider,
      coalesce: { windowMs: 10 },
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    await Promise.all([0, 1, 2].map((i) => mailer.send(to(i))));
    expect(provider.batchCalls).toHaveLength(2);
    const [first, second] = provider.batchCalls;
    expect(second!.idempotencyKey).toBe(first!.idempotencyKey);
    expect(second!.messages).toBe(first!.messages);
    expect(second!.attempt).toBe(2);
    expect(provider.outbox).toHaveLength(3);
  });

  it("a call refused as a whole (422) is split so each message gets its own outcome", async () => {
    const provider = createTestProvider({
      respondBatch() {
        throw new AnymailAPIError("one of them is bad", { statusCode: 422, provider: "Test" });
      },
      respond(message) {
        if (message.to[0]?.addrSpec === "r2@example.org") {
          throw new AnymailAPIError("r2 is bad", { statusCode: 422, provider: "Test" });
        }
        return undefined;
      },
    });
    const mailer = createMailer({ provider, coalesce: { windowMs: 10 } });
    const settled = await Promise.allSettled([0, 1, 2].map((i) => mailer.send(to(i))));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect(provider.outbox).toHaveLength(2);
  });

  it("a call that fails for good fails every send in it with the typed error", async () => {
    const provider = createTestProvider({
      respondBatch() {
        throw new AnymailAPIError("unauthorized", { statusCode: 401, provider: "Test" });
      },
    });
    const mailer = createMailer({ provider, coalesce: { windowMs: 10 } });
    const settled = await Promise.allSettled([0, 1].map((i) => mailer.send(to(i))));
    for (const s of settled) {
      expect(s.status).toBe("rejected");
      expect((s as PromiseRejectedResult).reason.statusCode).toBe(401);
    }
  });

  it("sends alone what the batch can't carry, batch sends, and messages with their own key", async () => {
    const provider = createTestProvider({
      batch: { maxMessages: 100, accepts: (m) => m.attachments.length === 0 },
    });
    const mailer = createMailer({ provider, coalesce: { windowMs: 10 } });
    await Promise.all([
      mailer.send(to(0)),
      mailer.send(to(1)),
      mailer.send({ ...to(2), attachments: [{ filename: "a.txt", content: "x" }] }),
      mailer.send({ ...to(3), idempotencyKey: "order-3" }),
      mailer.send({ ...base, to: ["x@example.org", "y@example.org"], mergeMetadata: {} }),
    ]);
    expect(provider.batchCalls.map((c) => c.messages.length)).toEqual([2]);
    expect(provider.calls.find((c) => c.idempotencyKey === "order-3")).toBeDefined();
    expect(provider.outbox).toHaveLength(5);
  });

  it("validation errors are thrown before anything is grouped", async () => {
    const provider = createTestProvider({ features: { unsupported: ["trackOpens"], quirks: [] } });
    const mailer = createMailer({ provider, coalesce: { windowMs: 10 } });
    await expect(mailer.send({ ...to(0), trackOpens: true })).rejects.toBeInstanceOf(
      AnymailUnsupportedFeature,
    );
    await expect(mailer.send({ ...base, to: "not an address" })).rejects.toMatchObject({
      code: "invalid_address",
    });
    expect(provider.calls).toHaveLength(0);
  });

  it("without a batch endpoint coalesce changes nothing", async () => {
    const provider = createTestProvider({ batch: false });
    const mailer = createMailer({ provider, coalesce: { windowMs: 10 } });
    await Promise.all([0, 1].map((i) => mailer.send(to(i))));
    expect(provider.batchCalls).toHaveLength(0);
    expect(provider.outbox).toHaveLength(2);
  });

  it("refuses a max that isn't a positive whole number", () => {
    expect(() =>
      createMailer({ provider: createTestProvider(), coalesce: { max: 0 } }),
    ).toThrowError(/coalesce.max/);
  });
});

describe("mailer.sendBatch", () => {
  it("sends the list in calls whose keys derive from the given key, one outcome each", async () => {
    const provider = createTestProvider({ batch: { maxMessages: 2 } });
    const mailer = createMailer({ provider });
    const outcomes = await mailer.sendBatch([to(0), to(1), to(2)], { idempotencyKey: "b-1" });
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(provider.batchCalls.map((c) => c.idempotencyKey)).toEqual(["b-1/1"]);
    // The last chunk holds one message: sent alone, under its chunk's key.
    expect(provider.calls.at(-1)?.idempotencyKey).toBe("b-1/2");
  });

  it("keeps invalid messages out of the call and reports them in place", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider });
    const outcomes = await mailer.sendBatch([to(0), { ...base, to: "nope" }, to(2)], {
      idempotencyKey: "b-2",
    });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(!outcomes[1]!.ok && outcomes[1]!.error.code).toBe("invalid_address");
    expect(provider.batchCalls[0]?.messages).toHaveLength(2);
  });

  it("the same list with the same key repeats the same calls", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider });
    await mailer.sendBatch([to(0), to(1)], { idempotencyKey: "same" });
    await mailer.sendBatch([to(0), to(1)], { idempotencyKey: "same" });
    expect(provider.batchCalls.map((c) => c.idempotencyKey)).toEqual(["same", "same"]);
  });
});

describe("mailer.prepare and send options", () => {
  it("prepare combines defaults and checks features without sending", () => {
    const provider = createTestProvider({ features: { unsupported: ["tags"], quirks: [] } });
    const mailer = createMailer({ provider, defaults: { from: "Shop <shop@example.com>" } });
    expect(mailer.prepare({ to: "a@example.org" }).from.addrSpec).toBe("shop@example.com");
    expect(() => mailer.prepare({ to: "a@example.org", tags: ["x"] })).toThrowError(
      "Test does not support tags",
    );
    expect(provider.calls).toHaveLength(0);
  });

  it("send(message, { retry: false }) makes a single attempt", async () => {
    const provider = createTestProvider({
      respond() {
        throw new AnymailAPIError("busy", { statusCode: 503, retryable: true, provider: "Test" });
      },
    });
    const mailer = createMailer({ provider, retry: { attempts: 5, baseDelayMs: 1 } });
    await expect(mailer.send(to(0), { retry: false })).rejects.toMatchObject({ statusCode: 503 });
    expect(provider.calls).toHaveLength(1);
  });
});
