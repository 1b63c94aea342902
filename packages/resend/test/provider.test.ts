import { AnymailAPIError, createMailer, isAnymailError } from "@anymail/core";
import { afterEach, describe, expect, it } from "vitest";
import { resend } from "../src/index.js";
import { VERSION } from "../src/version.js";
import { BASE, prepared, recipients } from "./support/messages.js";
import { MOCK_KEY, MOCK_ORIGIN, mockResend } from "./support/mock-resend.js";

let mock: ReturnType<typeof mockResend>;
afterEach(async () => {
  await mock?.close();
});

function setup(options: { attempts?: number; timeoutMs?: number; deadlineMs?: number } = {}) {
  mock = mockResend();
  const waits: number[] = [];
  const provider = resend({
    apiKey: MOCK_KEY,
    apiUrl: MOCK_ORIGIN,
    dispatcher: mock.agent,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const mailer = createMailer({
    provider,
    retry: {
      attempts: options.attempts ?? 1,
      deadlineMs: options.deadlineMs ?? 60_000,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });
  return { mailer, provider, waits };
}

async function failure(promise: Promise<unknown>): Promise<AnymailAPIError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the send to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnymailAPIError);
  return error as AnymailAPIError;
}

describe("single send", () => {
  it("posts JSON with auth, user agent and idempotency key and returns queued ids", async () => {
    const { mailer } = setup();
    mock.reply({
      status: 200,
      body: { id: "id-1" },
      headers: { "ratelimit-remaining": "4", "ratelimit-limit": "5", "x-other": "y" },
    });
    const result = await mailer.send({
      ...BASE,
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: "cy@example.org",
      bcc: "dee@example.org",
      idempotencyKey: "order-4411",
    });

    expect(mock.requests).toHaveLength(1);
    const [request] = mock.requests;
    expect(request).toMatchObject({ method: "POST", path: "/emails" });
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${MOCK_KEY}`,
      "user-agent": `anymail-resend/${VERSION}`,
      "content-type": "application/json",
      "idempotency-key": "order-4411",
    });
    expect(request?.json).toEqual({
      from: "Shop <shop@example.com>",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: ["cy@example.org"],
      bcc: ["dee@example.org"],
      subject: "Hello",
      text: "Hi there",
    });

    expect(result.messageId).toBe("id-1");
    expect(result.status).toEqual(new Set(["queued"]));
    expect(result.recipients).toEqual({
      "ana@example.org": { status: "queued", messageId: "id-1" },
      "bob@example.org": { status: "queued", messageId: "id-1" },
      "cy@example.org": { status: "queued", messageId: "id-1" },
      "dee@example.org": { status: "queued", messageId: "id-1" },
    });
    expect(result.espResponse).toMatchObject({
      status: 200,
      body: { id: "id-1" },
      headers: { "ratelimit-remaining": "4", "ratelimit-limit": "5", "x-other": "y" },
    });
  });

  it("sends a generated idempotency key when the message has none", async () => {
    const { mailer } = setup();
    mock.replyId();
    await mailer.send(BASE);
    expect(mock.requests[0]?.headers["idempotency-key"]).toMatch(/\S{8,}/);
  });

  it("joins apiUrl paths with or without a trailing slash", async () => {
    for (const apiUrl of [`${MOCK_ORIGIN}/v1`, `${MOCK_ORIGIN}/v1/`]) {
      mock = mockResend();
      const provider = resend({ apiKey: MOCK_KEY, apiUrl, dispatcher: mock.agent });
      mock.replyId();
      await createMailer({ provider, retry: false }).send(BASE);
      expect(mock.requests[0]?.path).toBe("/v1/emails");
      await mock.close();
    }
  });

  it("uses a custom user agent", async () => {
    mock = mockResend();
    const provider = resend({
      apiKey: MOCK_KEY,
      apiUrl: MOCK_ORIGIN,
      dispatcher: mock.agent,
      userAgent: "shop/2",
    });
    mock.replyId();
    await createMailer({ provider, retry: false }).send(BASE);
    expect(mock.requests[0]?.headers["user-agent"]).toBe("shop/2");
  });
});

describe("batch send", () => {
  it("splits 250 recipients into 3 calls with keys /1 /2 /3 and maps ids per recipient", async () => {
    const { mailer } = setup();
    mock.replyBatch(3);
    const to = recipients(250);
    const result = await mailer.send({
      ...BASE,
      to,
      cc: "audit@example.com",
      mergeMetadata: { "r0@example.org": { n: 0 } },
      idempotencyKey: "campaign-7",
    });
    expect(mock.requests.map((r) => [r.path, r.headers["idempotency-key"]])).toEqual([
      ["/emails/batch", "campaign-7/1"],
      ["/emails/batch", "campaign-7/2"],
      ["/emails/batch", "campaign-7/3"],
    ]);
    expect(mock.requests.map((r) => (r.json as unknown[]).length)).toEqual([100, 100, 50]);
    expect(result.recipients["r0@example.org"]).toEqual({
      status: "queued",
      messageId: "batch-1-0",
    });
    expect(result.recipients["r150@example.org"]).toEqual({
      status: "queued",
      messageId: "batch-2-50",
    });
    expect(result.recipients["r249@example.org"]).toEqual({
      status: "queued",
      messageId: "batch-3-49",
    });
    expect(result.recipients["audit@example.com"]).toEqual({ status: "queued" });
    expect(Object.keys(result.recipients)).toHaveLength(251);
    expect(result.messageId).toBeUndefined();
    expect(result.espResponse?.body).toEqual({
      data: Array.from({ length: 50 }, (_, i) => ({ id: `batch-3-${i}` })),
    });
  });

  it("gives the single id as messageId for a one-recipient batch", async () => {
    const { mailer } = setup();
    mock.replyBatch(1);
    const result = await mailer.send({ ...BASE, mergeMetadata: {} });
    expect(result.messageId).toBe("batch-1-0");
    // One call: it carries the send's own key (a split send's calls get <key>/<n>).
    expect(mock.requests[0]?.headers["idempotency-key"]).not.toMatch(/\/\d+$/);
  });

  it("fails with invalid_response when the batch answer has the wrong number of ids", async () => {
    const { mailer } = setup();
    mock.reply({ status: 200, body: { data: [{ id: "only-one" }] } });
    const error = await failure(mailer.send({ ...BASE, to: recipients(2), mergeMetadata: {} }));
    expect(error).toMatchObject({ kind: "invalid_response", retryable: false, statusCode: 200 });
    expect(error.message).toContain("1 ids for 2 emails");
  });

  it("fails with invalid_response for permissive-mode errors in a 200", async () => {
    const { mailer } = setup();
    mock.reply({
      status: 200,
      body: { data: [{ id: "a" }], errors: [{ index: 1, message: "bad" }] },
    });
    const error = await failure(mailer.send({ ...BASE, to: recipients(2), mergeMetadata: {} }));
    expect(error.kind).toBe("invalid_response");
  });
});

describe("error mapping", () => {
  const cases: {
    title: string;
    status: number;
    body: unknown;
    headers?: Record<string, string>;
    expected: Partial<AnymailAPIError>;
  }[] = [
    {
      title: "422 validation error",
      status: 422,
      body: { statusCode: 422, name: "missing_required_field", message: "Missing `to` field." },
      expected: {
        statusCode: 422,
        providerCode: "missing_required_field",
        retryable: false,
        kind: "http",
      },
    },
    {
      title: "429 rate limit with retry-after seconds",
      status: 429,
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" },
      headers: { "retry-after": "2", "ratelimit-remaining": "0" },
      expected: {
        statusCode: 429,
        providerCode: "rate_limit_exceeded",
        retryable: true,
        retryAfterMs: 2000,
      },
    },
    {
      title: "429 daily quota",
      status: 429,
      body: { statusCode: 429, name: "daily_quota_exceeded", message: "Daily quota" },
      expected: { providerCode: "daily_quota_exceeded", retryable: false },
    },
    {
      title: "429 monthly quota",
      status: 429,
      body: { statusCode: 429, name: "monthly_quota_exceeded", message: "Monthly quota" },
      expected: { providerCode: "monthly_quota_exceeded", retryable: false },
    },
    {
      title: "409 concurrent idempotent requests",
      status: 409,
      body: { statusCode: 409, name: "concurrent_idempotent_requests", message: "In progress" },
      expected: { providerCode: "concurrent_idempotent_requests", retryable: true },
    },
    {
      title: "409 idempotency key reused with another body",
      status: 409,
      body: { statusCode: 409, name: "invalid_idempotent_request", message: "Different payload" },
      expected: { providerCode: "invalid_idempotent_request", retryable: false },
    },
    {
      title: "403 invalid key",
      status: 403,
      body: { statusCode: 403, name: "invalid_api_key", message: "API key is invalid" },
      expected: { providerCode: "invalid_api_key", retryable: false },
    },
    {
      title: "500 internal server error",
      status: 500,
      body: { statusCode: 500, name: "internal_server_error", message: "Oops" },
      expected: { providerCode: "internal_server_error", retryable: true },
    },
    {
      title: "502 plain-text proxy page",
      status: 502,
      body: "<html>Bad gateway</html>",
      expected: { statusCode: 502, retryable: true, providerCode: undefined },
    },
    {
      title: "403 Cloudflare text",
      status: 403,
      body: "error code: 1010",
      expected: { statusCode: 403, retryable: false, providerCode: undefined },
    },
  ];

  for (const testCase of cases) {
    it(`maps ${testCase.title}`, async () => {
      const { mailer } = setup();
      mock.reply({
        status: testCase.status,
        body: testCase.body,
        ...(testCase.headers === undefined ? {} : { headers: testCase.headers }),
      });
      const error = await failure(mailer.send(BASE));
      expect(error).toMatchObject({ code: "api_error", provider: "Resend", ...testCase.expected });
      expect(error.response?.status).toBe(testCase.status);
      expect(error.response?.body).toEqual(testCase.body);
      if (typeof testCase.body === "object") {
        const { message } = testCase.body as { message: string };
        expect(error.message).toContain(message);
      } else {
        expect(error.message).toContain(testCase.body as string);
      }
      expect(error.message).not.toContain(MOCK_KEY);
      expect(JSON.stringify(error.response)).not.toContain(MOCK_KEY);
      if (testCase.headers) expect(error.response?.headers).toMatchObject(testCase.headers);
    });
  }

  it("reads retry-after given as an HTTP date", async () => {
    const { mailer } = setup();
    const at = new Date(Date.now() + 120_000).toUTCString();
    mock.reply({
      status: 429,
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "slow down" },
      headers: { "retry-after": at },
    });
    const error = await failure(mailer.send(BASE));
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it("treats a 2xx that isn't JSON as invalid_response", async () => {
    const { mailer } = setup();
    mock.reply({ status: 200, body: "<html>ok</html>" });
    const error = await failure(mailer.send(BASE));
    expect(error).toMatchObject({ kind: "invalid_response", retryable: false, statusCode: 200 });
    expect(error.response?.body).toBe("<html>ok</html>");
  });

  it("treats a 2xx without id as invalid_response", async () => {
    const { mailer } = setup();
    mock.reply({ status: 200, body: { object: "email" } });
    const error = await failure(mailer.send(BASE));
    expect(error.kind).toBe("invalid_response");
    expect(error.message).toContain("no email id");
  });

  it("maps a network failure to a retryable network error", async () => {
    const { mailer } = setup();
    mock.replyNetworkError("socket hang up");
    const error = await failure(mailer.send(BASE));
    expect(error).toMatchObject({ kind: "network", retryable: true, statusCode: undefined });
    expect(error.message).toContain("socket hang up");
    expect(error.message).not.toContain(MOCK_KEY);
  });

  // timeoutMs is enforced by undici's own timers, which MockAgent does not run: the slow
  // response cases are in http-timeouts.test.ts, against a real server on 127.0.0.1.

  it("stops when the send's deadline passes", async () => {
    const { mailer } = setup({ deadlineMs: 20 });
    mock.replyDelayed(2_000);
    const error = await failure(mailer.send(BASE));
    expect(error.kind).toBe("timeout");
  });

  it("aborts the request when context.signal aborts, as not retryable", async () => {
    const { provider } = setup();
    mock.replyDelayed(2_000);
    const controller = new AbortController();
    const sending = provider.send(prepared({}), {
      idempotencyKey: "k",
      signal: controller.signal,
      deadline: Date.now() + 10,
      attempt: 1,
    });
    setTimeout(() => controller.abort(), 10);
    const error = await failure(sending);
    expect(error).toMatchObject({ kind: "timeout", retryable: false });
    expect(error.message).toContain("deadline");
  });
});

describe("retries through core", () => {
  it("retries a 429 after retry-after with the same idempotency key", async () => {
    const { mailer, waits } = setup({ attempts: 3 });
    mock.reply({
      status: 429,
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "slow down" },
      headers: { "retry-after": "1" },
    });
    mock.replyId("after-retry");
    const result = await mailer.send({ ...BASE, idempotencyKey: "k-1" });
    expect(result.messageId).toBe("after-retry");
    expect(waits).toEqual([1000]);
    expect(mock.requests.map((r) => r.headers["idempotency-key"])).toEqual(["k-1", "k-1"]);
  });

  it("does not retry a quota 429", async () => {
    const { mailer } = setup({ attempts: 3 });
    mock.reply({
      status: 429,
      body: { statusCode: 429, name: "daily_quota_exceeded", message: "quota" },
    });
    await failure(mailer.send(BASE));
    expect(mock.requests).toHaveLength(1);
  });

  it("retries only the failed batch call, with its own key; the accepted one is not sent again", async () => {
    const { mailer } = setup({ attempts: 2 });
    mock.replyBatch(1);
    mock.replyNetworkError();
    mock.replyBatch(2);
    const result = await mailer.send({
      ...BASE,
      to: recipients(150),
      mergeMetadata: {},
      idempotencyKey: "b",
    });
    // The mock records answered requests: b/1 once, then b/2's retry (its first try was reset).
    expect(mock.requests.map((r) => r.headers["idempotency-key"])).toEqual(["b/1", "b/2"]);
    expect(Object.keys(result.recipients)).toHaveLength(150);
  });
});

describe("idempotency key and lifecycle", () => {
  it("refuses an idempotency key Resend would reject, before any request", async () => {
    mock = mockResend();
    const provider = resend({ apiKey: MOCK_KEY, apiUrl: MOCK_ORIGIN, dispatcher: mock.agent });
    const signal = new AbortController().signal;
    const message = prepared({});
    for (const key of ["x".repeat(257), "bad\u00e9key"]) {
      await expect(
        provider.send(message, {
          idempotencyKey: key,
          signal,
          deadline: Date.now() + 1000,
          attempt: 1,
        }),
      ).rejects.toMatchObject({ code: "serialization_error", field: "idempotencyKey" });
    }
    expect(mock.requests).toHaveLength(0);
  });

  it("close() is safe before any send and more than once", async () => {
    const provider = resend({ apiKey: MOCK_KEY });
    await provider.close();
    await provider.close();
  });

  it("never includes the API key in logs", async () => {
    mock = mockResend();
    const provider = resend({ apiKey: MOCK_KEY, apiUrl: MOCK_ORIGIN, dispatcher: mock.agent });
    const records: unknown[] = [];
    mock.reply({ status: 401, body: { statusCode: 401, name: "missing_api_key", message: "no" } });
    const mailer = createMailer({ provider, retry: false, logger: (r) => records.push(r) });
    const error = await mailer.send(BASE).catch((e: unknown) => e);
    expect(isAnymailError(error, "api_error")).toBe(true);
    expect(records.length).toBeGreaterThan(0);
    expect(JSON.stringify(records)).not.toContain(MOCK_KEY);
  });
});
