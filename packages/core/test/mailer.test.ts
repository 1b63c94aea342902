import { describe, expect, it } from "vitest";
import {
  AnymailAPIError,
  AnymailCancelSend,
  AnymailError,
  AnymailRecipientsRefused,
  createMailer,
  type EmailMessage,
  isAnymailError,
  type LogRecord,
  type SendResult,
} from "../src/index.js";
import { createTestProvider } from "../src/testing.js";

const message: EmailMessage = { from: "a@example.com", to: "b@example.org", subject: "Hi" };

describe("createMailer: send", () => {
  it("combines defaults and sends the prepared message", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({
      provider,
      defaults: { from: "Shop <shop@example.com>", tags: ["shop"], metadata: { app: "shop" } },
    });
    const result = await mailer.send({
      to: "Ana <ana@example.org>",
      cc: "c@example.org",
      subject: "Hi",
      tags: ["order"],
      metadata: { orderId: 7 },
    });
    expect(result).toEqual({
      messageId: "0",
      provider: "Test",
      status: new Set(["sent"]),
      recipients: {
        "ana@example.org": { status: "sent", messageId: "0" },
        "c@example.org": { status: "sent", messageId: "0" },
      },
    });
    expect(provider.outbox[0]?.params).toEqual({
      from: "Shop <shop@example.com>",
      to: ["Ana <ana@example.org>"],
      cc: ["c@example.org"],
      subject: "Hi",
      tags: ["shop", "order"],
      metadata: { app: "shop", orderId: 7 },
      isBatch: false,
    });
  });

  it("validation errors reach the caller before the provider", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider });
    await expect(mailer.send({ ...message, to: "bob@" })).rejects.toMatchObject({
      code: "invalid_address",
      field: "to",
    });
    await expect(mailer.send({ ...message, subject: "a\nb" })).rejects.toMatchObject({
      code: "serialization_error",
    });
    expect(provider.calls).toHaveLength(0);
  });

  it("throws AnymailUnsupportedFeature before sending, or sends best-effort", async () => {
    const features = { unsupported: ["trackOpens" as const], quirks: [] };
    const strict = createTestProvider({ features });
    await expect(
      createMailer({ provider: strict }).send({ ...message, trackOpens: true }),
    ).rejects.toThrow("Test does not support trackOpens");
    expect(strict.calls).toHaveLength(0);

    const lenient = createTestProvider({ features });
    await createMailer({ provider: lenient, ignoreUnsupportedFeatures: true }).send({
      ...message,
      trackOpens: true,
    });
    expect(lenient.outbox[0]?.params.trackOpens).toBeUndefined();
  });

  it("throws AnymailRecipientsRefused when every recipient is invalid or rejected", async () => {
    const refused: SendResult = {
      status: new Set(["rejected", "invalid"]),
      recipients: {
        "b@example.org": { status: "rejected" },
        "c@example.org": { status: "invalid" },
      },
    };
    const provider = createTestProvider({ respond: () => refused });
    const error = await createMailer({ provider })
      .send({ ...message, cc: "c@example.org" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnymailRecipientsRefused);
    expect((error as AnymailRecipientsRefused).result).toBe(refused);
  });

  it("a partly refused send resolves", async () => {
    const provider = createTestProvider({
      respond: () => ({
        status: new Set(["rejected", "queued"]),
        recipients: {
          "b@example.org": { status: "rejected" },
          "c@example.org": { status: "queued" },
        },
      }),
    });
    const result = await createMailer({ provider }).send({ ...message, cc: "c@example.org" });
    expect(result.status).toEqual(new Set(["rejected", "queued"]));
  });

  it("wraps a provider's foreign error in AnymailError, keeping the cause", async () => {
    const bug = new TypeError("undefined is not a function");
    const provider = createTestProvider({
      respond: () => {
        throw bug;
      },
    });
    const error = await createMailer({ provider })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnymailError);
    expect((error as AnymailError).cause).toBe(bug);
    expect((error as AnymailError).provider).toBe("Test");
    expect(provider.calls).toHaveLength(1);
  });

  it("rejects a bad idempotencyKey", async () => {
    await expect(
      createMailer({ provider: createTestProvider() }).send({ ...message, idempotencyKey: "" }),
    ).rejects.toMatchObject({ code: "serialization_error", field: "idempotencyKey" });
  });

  it("generates a different idempotency key per send", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider });
    await mailer.send(message);
    await mailer.send(message);
    const [first, second] = provider.outbox.map((entry) => entry.idempotencyKey);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
  });
});

describe("hooks", () => {
  it("preSend may return a new message", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({
      provider,
      hooks: { preSend: (m) => ({ ...m, subject: `[staging] ${m.subject}` }) },
    });
    await mailer.send(message);
    expect(provider.outbox[0]?.params.subject).toBe("[staging] Hi");
  });

  it("preSend may edit in place without touching the caller's message", async () => {
    const provider = createTestProvider();
    const original: EmailMessage = { ...message, tags: ["a"] };
    const mailer = createMailer({
      provider,
      defaults: { tags: ["default"] },
      hooks: {
        preSend: (m, context) => {
          (m.tags as string[]).push(context.provider);
        },
      },
    });
    await mailer.send(original);
    expect(provider.outbox[0]?.params.tags).toEqual(["default", "a", "Test"]);
    expect(original.tags).toEqual(["a"]);
  });

  it("preSend throwing AnymailCancelSend skips the send and resolves empty", async () => {
    const provider = createTestProvider();
    let postSendCalls = 0;
    const mailer = createMailer({
      provider,
      hooks: {
        preSend: async () => {
          throw new AnymailCancelSend();
        },
        postSend: () => {
          postSendCalls++;
        },
      },
    });
    const result = await mailer.send(message);
    expect(result).toEqual({ status: new Set(), recipients: {} });
    expect(provider.calls).toHaveLength(0);
    expect(postSendCalls).toBe(0);
  });

  it("a foreign preSend error is wrapped and nothing is sent", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({
      provider,
      hooks: {
        preSend: () => {
          throw new RangeError("hook bug");
        },
      },
    });
    const error = await mailer.send(message).catch((e: unknown) => e);
    expect(isAnymailError(error)).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    expect(provider.calls).toHaveLength(0);
  });

  it("postSend sees the result and the message; every hook runs; the first error is rethrown", async () => {
    const seen: string[] = [];
    const first = new AnymailAPIError("first");
    const mailer = createMailer({
      provider: createTestProvider(),
      hooks: [
        {
          postSend: (result, m) => {
            seen.push(`1:${result.messageId}:${m.subject}`);
            throw first;
          },
        },
        {
          postSend: async () => {
            seen.push("2");
            throw new Error("second");
          },
        },
      ],
    });
    await expect(mailer.send(message)).rejects.toBe(first);
    expect(seen).toEqual(["1:0:Hi", "2"]);
  });
});

describe("sendMany", () => {
  it("keeps input order and isolates failures", async () => {
    const provider = createTestProvider({
      respond: (m) => {
        if (m.subject === "fail") throw new AnymailAPIError("boom", { statusCode: 400 });
        return undefined;
      },
    });
    const mailer = createMailer({ provider, retry: false });
    const messages: EmailMessage[] = [
      { ...message, subject: "one" },
      { ...message, subject: "fail" },
      { ...message, to: "not-an-address" },
      { ...message, subject: "four" },
    ];
    const outcomes = await mailer.sendMany(messages, { concurrency: 2 });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    expect(outcomes.map((o) => o.message)).toEqual(messages);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: "api_error" } });
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: "invalid_address" } });
    expect(outcomes[3]?.ok && outcomes[3].result.status).toEqual(new Set(["sent"]));
  });

  it("never runs more than `concurrency` sends at once", async () => {
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const provider = createTestProvider({
      respond: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return undefined;
      },
    });
    const mailer = createMailer({ provider });
    const all = mailer.sendMany(
      Array.from({ length: 10 }, (_, i) => ({ ...message, subject: String(i) })),
      { concurrency: 3 },
    );
    while (provider.calls.length < 10 || release.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const resolve of release.splice(0)) resolve();
    }
    const outcomes = await all;
    expect(peak).toBe(3);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it("an empty list resolves to no outcomes; bad concurrency is rejected", async () => {
    const mailer = createMailer({ provider: createTestProvider() });
    await expect(mailer.sendMany([])).resolves.toEqual([]);
    await expect(mailer.sendMany([message], { concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});

describe("close", () => {
  it("calls provider.close once and refuses later sends", async () => {
    const provider = createTestProvider();
    const mailer = createMailer({ provider });
    await Promise.all([mailer.close(), mailer.close()]);
    await mailer.close();
    expect(provider.closeCount).toBe(1);
    await expect(mailer.send(message)).rejects.toMatchObject({ code: "configuration_error" });
  });
});

describe("logger", () => {
  it("gets one record per attempt, outcome and retry wait, secrets redacted", async () => {
    const records: LogRecord[] = [];
    let attempt = 0;
    const provider = createTestProvider({
      redaction: { patterns: [/\bre_live_\w+/g] },
      respond: () => {
        attempt++;
        if (attempt === 1) {
          throw new AnymailAPIError("Unauthorized for key re_live_abcdef123456", {
            statusCode: 503,
            retryable: true,
            retryAfterMs: 0,
            response: {
              status: 503,
              headers: { authorization: "Bearer re_live_abcdef123456" },
              body: { apiKey: "re_live_abcdef123456", url: "https://user:hunter2@example.com/x" },
            },
          });
        }
        return undefined;
      },
    });
    const mailer = createMailer({ provider, logger: (record) => records.push(record) });
    await mailer.send(message);
    expect(records.map((r) => r.message)).toEqual([
      "send attempt",
      "send attempt failed",
      "retry wait",
      "send attempt",
      "send succeeded",
    ]);
    expect(records.every((r) => r.provider === "Test")).toBe(true);
    const text = JSON.stringify(records);
    expect(text).not.toContain("abcdef123456");
    expect(text).not.toContain("hunter2");
    expect(text).toContain("[REDACTED]");
  });

  it("a throwing logger never breaks a send", async () => {
    const mailer = createMailer({
      provider: createTestProvider(),
      logger: () => {
        throw new Error("logger down");
      },
    });
    await expect(mailer.send(message)).resolves.toMatchObject({ messageId: "0" });
  });
});
