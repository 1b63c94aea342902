import type { EmailMessage, SendResult } from "@anymail/core";
import { createMailer, redactSecrets } from "@anymail/core";
import { resend, resendWebhooks } from "@anymail/resend";
import { startResendEmulator } from "@anymail/emulator";
import { createWebhookHandler } from "@anymail/webhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findLeakedSecrets } from "./helpers/secret-scan.js";
import {
  makeSecret,
  post,
  sentEvent,
  svixHeaders,
  TRACKING_URL,
} from "./helpers/webhook-fixtures.js";

const API_KEY = "re_Sup3rSecretApiKey_9f8e7d6c";
const SIGNING = makeSecret("signing");
const INBOUND = makeSecret("inboundx");
const BASIC = "anymail:b4sic-p4ssw0rd";
const ALL_SECRETS = [API_KEY, SIGNING, INBOUND, BASIC, "b4sic-p4ssw0rd"];

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
  vi.restoreAllMocks();
});

/** Everything printed to the console during `fn`, to catch secrets in stray logging. */
async function captureConsole<T>(fn: () => Promise<T>): Promise<{ value: T; printed: unknown[] }> {
  const printed: unknown[] = [];
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      printed.push(args);
    });
  }
  try {
    return { value: await fn(), printed };
  } finally {
    vi.restoreAllMocks();
  }
}

const message: EmailMessage = {
  from: "shop@example.com",
  to: "ana@example.org",
  subject: "secret test",
  text: "x",
};

describe("the API key never shows in errors, logs or espResponse", () => {
  async function scenario(
    label: string,
    emulatorOptions: Record<string, unknown>,
    overrides: { apiUrl?: string; timeoutMs?: number; msg?: Partial<EmailMessage> } = {},
  ) {
    const emu = await startResendEmulator({ port: 0, rateLimit: false, ...emulatorOptions });
    cleanup.push(() => emu.close());
    const logs: unknown[] = [];
    const mailer = createMailer({
      provider: resend({
        apiKey: API_KEY,
        apiUrl: overrides.apiUrl ?? emu.url,
        timeoutMs: overrides.timeoutMs ?? 5_000,
      }),
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, deadlineMs: 5_000 },
      logger: (record) => logs.push(record),
    });
    cleanup.push(() => mailer.close());
    const { value, printed } = await captureConsole(async () => {
      try {
        return { result: (await mailer.send({ ...message, ...overrides.msg })) as SendResult };
      } catch (error) {
        return { error };
      }
    });
    const leaks = findLeakedSecrets({ value, logs, printed }, [API_KEY]);
    expect(leaks, label).toEqual([]);
    expect(logs.length, `${label}: logger saw nothing`).toBeGreaterThan(0);
    return value;
  }

  it("on success (espResponse and logs)", async () => {
    const value = await scenario("success", {});
    expect(value.result?.espResponse).toBeDefined();
  });

  it("on 403 invalid_api_key", async () => {
    const value = await scenario("403", { apiKeys: ["re_someone_elses_key"] });
    expect(value.error).toMatchObject({ code: "api_error", statusCode: 403 });
  });

  it("on 422 validation errors", async () => {
    const value = await scenario(
      "422",
      {},
      { msg: { espExtra: { tags: [{ name: "bad tag!", value: "x" }] } } },
    );
    expect(value.error).toMatchObject({ code: "api_error", statusCode: 422 });
  });

  it("on injected 500s and connection resets", async () => {
    const http500 = await scenario("500", {
      faults: { "POST /emails": { errorRate: 1, errorStatus: 500 } },
    });
    expect(http500.error).toMatchObject({ code: "api_error", statusCode: 500 });
    const reset = await scenario("reset", { faults: { "POST /emails": { resetRate: 1 } } });
    expect(reset.error).toMatchObject({ code: "api_error", kind: "network" });
  });

  it("on timeouts", async () => {
    const value = await scenario(
      "timeout",
      { faults: { "POST /emails": { latencyMs: 2_000 } } },
      { timeoutMs: 100 },
    );
    // The 2nd attempt may meet the 1st still in flight at the emulator (409 concurrent).
    expect(value.error).toMatchObject({ code: "api_error", retryable: true });
  });

  it("on connection refused", async () => {
    const value = await scenario("refused", {}, { apiUrl: "http://127.0.0.1:9" });
    expect(value.error).toMatchObject({ code: "api_error", kind: "connect" });
  });

  it("when the API key is embedded in the URL (user:pass@) or echoed back by the server", async () => {
    const value = await scenario("echo", {}, { apiUrl: `http://user:${API_KEY}@127.0.0.1:9` });
    expect(value.error).toBeDefined();
  });
});

describe("webhook secrets never show in responses or logs", () => {
  it("signing secret, inbound secret and basic auth stay out of every answer", async () => {
    const logs: unknown[] = [];
    const handler = createWebhookHandler({
      providers: [
        resendWebhooks({
          signingSecret: SIGNING,
          inboundSecret: INBOUND,
          apiKey: API_KEY,
          apiUrl: "http://127.0.0.1:9/",
          fetchTimeoutMs: 200,
        }),
      ],
      basicAuth: [BASIC],
      onTracking: async () => {
        throw new Error("handler failed");
      },
      onInbound: async () => {},
      logger: (record: unknown) => logs.push(record),
    });
    const body = JSON.stringify(sentEvent());
    const auth = `Basic ${Buffer.from(BASIC).toString("base64")}`;
    const inboundBody = JSON.stringify({
      type: "email.received",
      created_at: new Date().toISOString(),
      data: {
        email_id: "0b0e0f0a-1111-4222-8333-944455556666",
        from: "a@example.org",
        to: ["b@example.org"],
        subject: "s",
        attachments: [],
      },
    });
    const requests = [
      post(TRACKING_URL, body, svixHeaders(SIGNING, body)), // no basic auth → 401
      post(TRACKING_URL, body, {
        ...svixHeaders(SIGNING, body),
        authorization: "Basic d3Jvbmc6d3Jvbmc=",
      }),
      post(TRACKING_URL, body, { ...svixHeaders(makeSecret("wrong"), body), authorization: auth }),
      post(TRACKING_URL, "{nope", { ...svixHeaders(SIGNING, "{nope"), authorization: auth }),
      post(TRACKING_URL, body, { ...svixHeaders(SIGNING, body), authorization: auth }), // handler throws → 500
      post(TRACKING_URL.replace("tracking", "inbound"), inboundBody, {
        ...svixHeaders(INBOUND, inboundBody),
        authorization: auth,
      }), // API unreachable → 5xx
    ];
    const { value: answers, printed } = await captureConsole(async () => {
      const out: { status: number; headers: [string, string][]; body: string }[] = [];
      for (const request of requests) {
        const response = await handler.handle(request);
        out.push({
          status: response.status,
          headers: [...response.headers],
          body: await response.text(),
        });
      }
      return out;
    });
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 400, 500, expect.any(Number)]);
    expect(answers[5]!.status).toBeGreaterThanOrEqual(500);
    expect(findLeakedSecrets({ answers, logs, printed }, ALL_SECRETS)).toEqual([]);
  });
});

describe("the secret scanner itself", () => {
  it("finds a planted secret in an error's cause, a log record and base64 basic auth", () => {
    const planted = new Error("outer", { cause: new Error(`inner ${API_KEY}`) });
    expect(findLeakedSecrets(planted, [API_KEY])).toEqual([API_KEY]);
    expect(
      findLeakedSecrets([{ auth: Buffer.from(BASIC).toString("base64") }], [BASIC]),
    ).toHaveLength(1);
    expect(findLeakedSecrets({ s: SIGNING.slice(6) }, [SIGNING])).toHaveLength(1);
  });
});

describe("redactSecrets", () => {
  it("masks every secret form it is documented to mask, with the provider's redaction", () => {
    const input = {
      headers: { Authorization: `Bearer ${API_KEY}`, "X-Other": "fine" },
      apiKey: API_KEY,
      note: `key ${API_KEY} and ${SIGNING} and url http://${BASIC}@host/`,
      nested: [{ api_key: "anything" }, new Error(`failed with ${API_KEY}`)],
    };
    // Core names no provider: Resend contributes its key formats (re_, whsec_).
    const { redaction } = resend({ apiKey: "re_some_other_configured_key" });
    const redacted = redactSecrets(input, redaction);
    expect(findLeakedSecrets(redacted, ALL_SECRETS)).toEqual([]);
    expect(JSON.stringify(redacted)).toContain("fine");
  });
});
