import { describe, expect, it } from "vitest";
import {
  AnymailAPIError,
  AnymailConfigurationError,
  AnymailSerializationError,
  type EmailMessage,
  failover,
  isAnymailError,
  type LogRecord,
  type SendResult,
  createMailer,
} from "../src/index.js";
import { createTestProvider, type TestProviderOptions } from "../src/testing.js";

const message: EmailMessage = { from: "a@example.com", to: "b@example.org", subject: "Hi" };

const refused = (provider: string) =>
  new AnymailAPIError(`${provider}: connect ECONNREFUSED`, {
    provider,
    kind: "connect",
    retryable: true,
  });
const serverError = (provider: string, statusCode = 500) =>
  new AnymailAPIError(`${provider} API error ${statusCode}`, {
    provider,
    kind: "http",
    statusCode,
    retryable: statusCode >= 500,
  });
const reset = (provider: string) =>
  new AnymailAPIError(`${provider}: socket hang up`, {
    provider,
    kind: "network",
    retryable: true,
  });

/** A test provider that fails with `fail()` while it returns an error. */
function member(name: string, fail?: () => Error | undefined, options: TestProviderOptions = {}) {
  return createTestProvider({
    name,
    ...options,
    respond: () => {
      const error = fail?.();
      if (error) throw error;
      return undefined;
    },
  });
}

function getError(promise: Promise<unknown>): Promise<AnymailAPIError> {
  return promise.then(
    () => {
      throw new Error("expected the send to fail");
    },
    (error: unknown) => error as AnymailAPIError,
  );
}

describe("failover(): the decision", () => {
  it("sends through the first provider and names it in the result", async () => {
    const a = member("A");
    const b = member("B");
    const result = await createMailer({ provider: failover([a, b]) }).send(message);
    expect(result.provider).toBe("A");
    expect(result.attempts).toBeUndefined();
    expect([a.outbox.length, b.outbox.length]).toEqual([1, 0]);
  });

  it("every mailer result names its provider, failover or not", async () => {
    const result = await createMailer({ provider: member("Solo") }).send(message);
    expect(result.provider).toBe("Solo");
  });

  it("moves on when the connection was refused (not accepted), with the same idempotency key", async () => {
    const a = member("A", () => refused("A"));
    const b = member("B");
    const result = await createMailer({ provider: failover([a, b]), retry: false }).send({
      ...message,
      idempotencyKey: "order-1",
    });
    expect(result.provider).toBe("B");
    expect(result.attempts).toMatchObject([{ provider: "A", outcome: "not_accepted" }]);
    expect(result.attempts?.[0]?.reason).toContain("connect");
    expect(b.outbox[0]?.idempotencyKey).toBe("order-1");
  });

  it("moves on after an error answer (5xx, 401, 422) without waiting for backoff", async () => {
    for (const status of [500, 401, 422]) {
      const a = member("A", () => serverError("A", status));
      const b = member("B");
      const slept: number[] = [];
      const mailer = createMailer({
        provider: failover([a, b]),
        retry: { attempts: 3, sleep: async (ms) => void slept.push(ms) },
      });
      const result = await mailer.send(message);
      expect(result.provider).toBe("B");
      expect(a.calls).toHaveLength(1);
      expect(slept).toEqual([]);
    }
  });

  it("an ambiguous failure is retried on the same provider with the same key, never on the next", async () => {
    let failures = 1;
    const a = member("A", () => (failures-- > 0 ? reset("A") : undefined));
    const b = member("B");
    const mailer = createMailer({
      provider: failover([a, b]),
      retry: { attempts: 3, sleep: async () => {} },
    });
    const result = await mailer.send({ ...message, idempotencyKey: "k-1" });
    expect(result.provider).toBe("A");
    expect(a.calls.map((c) => c.idempotencyKey)).toEqual(["k-1", "k-1"]);
    expect(b.calls).toHaveLength(0);
  });

  it("the bound send stays on its provider even if it then refuses connections", async () => {
    const errors = [reset("A"), refused("A")];
    const a = member("A", () => errors.shift());
    const b = member("B");
    const mailer = createMailer({
      provider: failover([a, b]),
      retry: { attempts: 3, sleep: async () => {} },
    });
    const result = await mailer.send(message);
    expect(result.provider).toBe("A");
    expect(a.calls).toHaveLength(3);
    expect(b.calls).toHaveLength(0);
  });

  it("without retries left, the ambiguous error says B was not tried and why", async () => {
    const a = member("A", () => reset("A"));
    const b = member("B");
    const error = await getError(
      createMailer({ provider: failover([a, b]), retry: false }).send(message),
    );
    expect(isAnymailError(error, "api_error")).toBe(true);
    expect(error.kind).toBe("network");
    expect(error.retryable).toBe(true);
    expect(error.attempts?.map((x) => [x.provider, x.outcome])).toEqual([
      ["A", "ambiguous"],
      ["B", "not_tried"],
    ]);
    expect(b.calls).toHaveLength(0);
  });

  it("an ambiguous failure on a provider without idempotency keys is final (never sent twice)", async () => {
    const a = member("A", () => reset("A"), { idempotent: false });
    const b = member("B");
    const error = await getError(
      createMailer({
        provider: failover([a, b]),
        retry: { attempts: 5, sleep: async () => {} },
      }).send(message),
    );
    expect(error.retryable).toBe(false);
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
  });

  it("a later send with the same idempotency key (a queue's retry) stays bound to the ambiguous provider", async () => {
    let failures = 1;
    let down = false;
    const a = member("A", () => (down ? refused("A") : failures-- > 0 ? reset("A") : undefined), {
      idempotent: false,
    });
    const b = member("B");
    const mailer = createMailer({ provider: failover([a, b]), retry: false });
    const first = await getError(mailer.send({ ...message, idempotencyKey: "job-7" }));
    expect(first.retryable).toBe(false);
    const again = await mailer.send({ ...message, idempotencyKey: "job-7" });
    expect(again.provider).toBe("A");
    expect(b.calls).toHaveLength(0);
    // Once it succeeded the binding is gone: the key may fail over again.
    down = true;
    expect((await mailer.send({ ...message, idempotencyKey: "job-7" })).provider).toBe("B");
  });

  it('onAmbiguous: "failover" moves on and reports the possible duplicate', async () => {
    const a = member("A", () => reset("A"));
    const b = member("B");
    const records: LogRecord[] = [];
    const result = await createMailer({
      provider: failover([a, b], { onAmbiguous: "failover" }),
      retry: false,
      logger: (r) => records.push(r),
    }).send(message);
    expect(result.provider).toBe("B");
    expect(result.attempts).toMatchObject([{ provider: "A", outcome: "ambiguous" }]);
    expect(records.some((r) => r.level === "warn" && /sent twice/.test(r.message))).toBe(true);
  });

  it("a batch larger than one call's recipients is ambiguous even on an HTTP error", async () => {
    const a = member("A", () => serverError("A"));
    const b = member("B");
    const to = Array.from({ length: 3 }, (_, i) => `r${i}@example.org`);
    const error = await getError(
      createMailer({
        provider: failover([a, b], { maxSingleCallRecipients: 2 }),
        retry: false,
      }).send({ ...message, to, mergeData: { "r0@example.org": { n: 1 } } }),
    );
    expect(error.attempts?.[0]?.outcome).toBe("ambiguous");
    expect(error.attempts?.[0]?.reason).toMatch(/partly accepted/);
    expect(b.calls).toHaveLength(0);
  });

  it("a typed error thrown before the request (serialization) moves on; a foreign error is ambiguous", async () => {
    const a = member("A", () => new AnymailSerializationError("A can't encode this"));
    const b = member("B");
    const result = await createMailer({ provider: failover([a, b]), retry: false }).send(message);
    expect(result.provider).toBe("B");

    const c = member("C", () => new TypeError("boom"));
    const d = member("D");
    const error = await getError(
      createMailer({ provider: failover([c, d]), retry: false }).send(message),
    );
    expect(error.attempts?.[0]).toMatchObject({ provider: "C", outcome: "ambiguous" });
    expect(d.calls).toHaveLength(0);
  });

  it("when no provider accepts, the error lists how each failed; retryable if any failure was", async () => {
    const a = member("A", () => refused("A"));
    const b = member("B", () => serverError("B", 401));
    const error = await getError(
      createMailer({ provider: failover([a, b]), retry: false }).send(message),
    );
    expect(error.message).toContain("no provider accepted the message");
    expect(error.attempts?.map((x) => [x.provider, x.outcome])).toEqual([
      ["A", "not_accepted"],
      ["B", "not_accepted"],
    ]);
    expect(error.retryable).toBe(true);
    expect(error.statusCode).toBe(401);

    const c = member("C", () => serverError("C", 401));
    const d = member("D", () => serverError("D", 422));
    const final = await getError(
      createMailer({ provider: failover([c, d]), retry: { attempts: 3 } }).send(message),
    );
    expect(final.retryable).toBe(false);
    expect(c.calls).toHaveLength(1);
  });

  it("the mailer's retries go around the whole list again", async () => {
    let down = 2;
    const a = member("A", () => (down > 0 ? refused("A") : undefined));
    const b = member("B", () => {
      down--;
      return serverError("B", 503);
    });
    const result = await createMailer({
      provider: failover([a, b], { failureThreshold: 10 }),
      retry: { attempts: 3, sleep: async () => {} },
    }).send(message);
    expect(result.provider).toBe("A");
    expect([a.calls.length, b.calls.length]).toEqual([3, 2]);
  });
});

describe("failover(): features", () => {
  it("skips a provider whose feature table can't carry the message, with the reason", async () => {
    const a = member("A", undefined, { features: { unsupported: ["trackOpens"], quirks: [] } });
    const b = member("B");
    const result = await createMailer({ provider: failover([a, b]) }).send({
      ...message,
      trackOpens: true,
    });
    expect(result.provider).toBe("B");
    expect(result.attempts).toMatchObject([
      { provider: "A", outcome: "unsupported", reason: "A does not support trackOpens" },
    ]);
    expect(a.calls).toHaveLength(0);
  });

  it("a field no provider supports is refused before any call, by core's check", async () => {
    const features = { unsupported: ["trackOpens" as const], quirks: [] };
    const a = member("A", undefined, { features });
    const b = member("B", undefined, { features });
    const provider = failover([a, b]);
    expect(provider.features.unsupported).toEqual(["trackOpens"]);
    const error = await getError(createMailer({ provider }).send({ ...message, trackOpens: true }));
    expect(isAnymailError(error, "unsupported_feature")).toBe(true);
    expect(error.message).toBe("failover(A, B) does not support trackOpens");
  });

  it("a message each provider refuses for another reason is refused before any call", async () => {
    const a = member("A", undefined, { features: { unsupported: ["trackOpens"], quirks: [] } });
    const b = member("B", undefined, {
      features: {
        unsupported: [],
        quirks: [{ feature: "more than one tag", when: (m) => (m.tags?.length ?? 0) > 1 }],
      },
    });
    const error = await getError(
      createMailer({ provider: failover([a, b]) }).send({
        ...message,
        trackOpens: true,
        tags: ["x", "y"],
      }),
    );
    expect(isAnymailError(error, "unsupported_feature")).toBe(true);
    expect(error.message).toBe(
      "failover(A, B) does not support this message with any of its providers (A: trackOpens; B: more than one tag)",
    );
    expect([a.calls.length, b.calls.length]).toEqual([0, 0]);
  });

  it("with ignoreUnsupportedFeatures and no full carrier, the first provider sends what it can", async () => {
    const a = member("A", undefined, { features: { unsupported: ["trackOpens"], quirks: [] } });
    const b = member("B", undefined, { features: { unsupported: ["tags"], quirks: [] } });
    const result = await createMailer({
      provider: failover([a, b]),
      ignoreUnsupportedFeatures: true,
    }).send({ ...message, trackOpens: true, tags: ["x"] });
    expect(result.provider).toBe("A");
    expect(a.outbox[0]?.params.trackOpens).toBeUndefined();
    expect(a.outbox[0]?.params.tags).toEqual(["x"]);
  });
});

describe("failover(): circuit breaker", () => {
  it("opens after failureThreshold consecutive not-accepted failures and probes after the cooldown", async () => {
    let clock = 1_000;
    let aDown = true;
    const a = member("A", () => (aDown ? refused("A") : undefined));
    const b = member("B");
    const provider = failover([a, b], { failureThreshold: 2, cooldownMs: 5_000, now: () => clock });
    const mailer = createMailer({ provider, retry: false });

    await mailer.send(message);
    expect(provider.circuits()[0]).toMatchObject({ state: "closed", consecutiveFailures: 1 });
    await mailer.send(message);
    expect(provider.circuits()[0]).toMatchObject({ state: "open", retryAt: 6_000 });
    expect(a.calls).toHaveLength(2);

    const skipped = await mailer.send(message);
    expect(skipped.provider).toBe("B");
    expect(skipped.attempts?.[0]).toMatchObject({ provider: "A", outcome: "circuit_open" });
    expect(skipped.attempts?.[0]?.reason).toMatch(/next probe in 5000 ms/);
    expect(a.calls).toHaveLength(2);

    clock += 5_000; // half-open: one probe, which fails and re-opens it
    expect(provider.circuits()[0]?.state).toBe("half_open");
    await mailer.send(message);
    expect(a.calls).toHaveLength(3);
    expect(provider.circuits()[0]).toMatchObject({ state: "open", retryAt: 11_000 });

    clock += 5_000; // the next probe succeeds and closes it
    aDown = false;
    const probed = await mailer.send(message);
    expect(probed.provider).toBe("A");
    expect(provider.circuits()[0]).toMatchObject({ state: "closed", consecutiveFailures: 0 });
  });

  it("half-open lets exactly one send probe; concurrent sends skip the provider", async () => {
    let clock = 0;
    let release: () => void = () => {};
    let fail = true;
    const a = createTestProvider({
      name: "A",
      respond: async () => {
        if (fail) throw refused("A");
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return undefined;
      },
    });
    const b = member("B");
    const provider = failover([a, b], { failureThreshold: 1, cooldownMs: 100, now: () => clock });
    const mailer = createMailer({ provider, retry: false });
    await mailer.send(message); // opens A
    clock = 100;
    fail = false;
    const probe = mailer.send(message);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const others = await Promise.all([mailer.send(message), mailer.send(message)]);
    expect(others.map((r) => r.provider)).toEqual(["B", "B"]);
    expect(others[0]?.attempts?.[0]?.reason).toMatch(/probing/);
    release();
    expect((await probe).provider).toBe("A");
    expect(provider.circuits()[0]?.state).toBe("closed");
  });

  it("message-specific refusals (422) and ambiguous failures don't open the circuit", async () => {
    const a = member("A", () => serverError("A", 422));
    const b = member("B");
    const provider = failover([a, b], { failureThreshold: 1 });
    const mailer = createMailer({ provider, retry: false });
    await mailer.send(message);
    await mailer.send(message);
    expect(provider.circuits()[0]).toMatchObject({ state: "closed", consecutiveFailures: 0 });
  });

  it("when every circuit is open the error is retryable and says when the first one probes", async () => {
    const clock = 0;
    const a = member("A", () => refused("A"));
    const b = member("B", () => refused("B"));
    const provider = failover([a, b], { failureThreshold: 1, cooldownMs: 2_000, now: () => clock });
    const mailer = createMailer({ provider, retry: false });
    await getError(mailer.send(message));
    const error = await getError(mailer.send(message));
    expect(error.attempts?.map((x) => x.outcome)).toEqual(["circuit_open", "circuit_open"]);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(2_000);
    expect([a.calls.length, b.calls.length]).toEqual([1, 1]);
  });
});

describe("failover(): configuration and plumbing", () => {
  it("refuses bad lists and options with a configuration error", () => {
    expect(() => failover([])).toThrow(AnymailConfigurationError);
    expect(() => failover([member("A"), member("A")])).toThrow(/distinct names/);
    expect(() => failover([member("A")], { failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => failover([member("A")], { cooldownMs: -1 })).toThrow(/cooldownMs/);
    expect(() => failover([member("A")], { onAmbiguous: "maybe" as unknown as "retry" })).toThrow(
      /onAmbiguous/,
    );
  });

  it("masks every member's secrets in logs and closes every member", async () => {
    const leak = new AnymailAPIError("A refused key secret-a-123 (B's is secret-b-456)", {
      provider: "A",
      kind: "connect",
      retryable: true,
    });
    const a = member("A", () => leak, { redaction: { values: ["secret-a-123"] } });
    const b = member("B", undefined, { redaction: { values: ["secret-b-456"] } });
    const records: LogRecord[] = [];
    const provider = failover([a, b]);
    const mailer = createMailer({
      provider,
      retry: false,
      logger: (r) => records.push(r),
    });
    const result: SendResult = await mailer.send(message);
    expect(result.provider).toBe("B");
    const text = JSON.stringify(records);
    expect(text).not.toContain("secret-a-123");
    expect(text).not.toContain("secret-b-456");
    const warning = records.find((r) => r.member === "A");
    expect(warning?.reason).toContain("A refused key");
    await mailer.close();
    expect([a.closeCount, b.closeCount]).toEqual([1, 1]);
  });
});
