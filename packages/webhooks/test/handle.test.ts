import type { LogRecord, WebhookProvider } from "@anymail/core";
import { AnymailAPIError } from "@anymail/core";
import { describe, expect, it } from "vitest";
import { createMemoryReplayStore, createWebhookHandler, type ReplayStore } from "../src/index.js";
import { streamingSend } from "./support/endpoint.js";
import { describeWebhookEndpoint } from "./support/suite.js";
import { basic, nextId, signHeaders, trackingPayload, testProvider } from "./support/signing.js";

describeWebhookEndpoint("bare handle(Request)", async (options) => {
  const { handle } = createWebhookHandler(options);
  const send = (path: string, init: RequestInit) =>
    handle(new Request(new URL(path, "https://app.example"), init));
  return { send, sendSlowly: streamingSend(send), close: async () => {} };
});

const URL_TRACKING = "https://app.example/hooks/test/tracking";

function post(body: string, headers: Record<string, string> = {}, url = URL_TRACKING): Request {
  return new Request(url, { method: "POST", body, headers: { ...signHeaders(body), ...headers } });
}

describe("createWebhookHandler details", () => {
  it("enforces the body limit while reading a stream without content-length", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
    });
    const handler = createWebhookHandler({
      providers: [testProvider()],
      maxBodyBytes: 4096,
      onTracking: () => {},
      logger: () => {},
    });
    const request = new Request(URL_TRACKING, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    const response = await handler.handle(request);
    expect(response.status).toBe(413);
    // An endless stream: reading stopped shortly after the limit instead of running forever.
    expect(pulled).toBeLessThan(10);
  });

  it("warns once, loudly, when neither basic auth nor a signature protects a route", async () => {
    const logs: LogRecord[] = [];
    const handler = createWebhookHandler({
      providers: [testProvider(null)],
      basicAuth: [],
      onTracking: () => {},
      logger: (record) => logs.push(record),
    });
    const body = JSON.stringify(trackingPayload());
    await handler.handle(post(body));
    await handler.handle(post(body));
    const warnings = logs.filter((r) => r.level === "warn" && /INSECURE/.test(r.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain("/test/tracking");
    expect(warnings[0]!.message).toContain(
      "checks neither a signature nor a basicAuth credential, so anyone on the web",
    );
    expect(warnings[0]!.message).not.toContain("/test/inbound"); // no onInbound: route not served
  });

  it("does not warn when each served route is signed or basic auth is set", () => {
    const logs: LogRecord[] = [];
    createWebhookHandler({
      providers: [testProvider()],
      onTracking: () => {},
      logger: (r) => logs.push(r),
    });
    createWebhookHandler({
      providers: [testProvider(null)],
      basicAuth: "a:b",
      onTracking: () => {},
      logger: (r) => logs.push(r),
    });
    expect(logs).toHaveLength(0);
  });

  it("reads basic auth from ANYMAIL_WEBHOOK_SECRET and refuses a credential without a colon", async () => {
    process.env.ANYMAIL_WEBHOOK_SECRET = "env-user:env-pass";
    try {
      const handler = createWebhookHandler({
        providers: [testProvider(null)],
        onTracking: () => {},
        logger: () => {},
      });
      const body = JSON.stringify(trackingPayload());
      expect((await handler.handle(post(body))).status).toBe(401);
      expect(
        (await handler.handle(post(body, { authorization: basic("env-user:env-pass") }))).status,
      ).toBe(200);
    } finally {
      delete process.env.ANYMAIL_WEBHOOK_SECRET;
    }
    expect(() => createWebhookHandler({ providers: [], basicAuth: "no-colon" })).toThrow(
      /user:password/,
    );
  });

  it("reads several comma-separated credentials from ANYMAIL_WEBHOOK_SECRET (rotation)", async () => {
    process.env.ANYMAIL_WEBHOOK_SECRET = "anymail:new-pass, anymail:old-pass";
    try {
      const handler = createWebhookHandler({
        providers: [testProvider(null)],
        onTracking: () => {},
        logger: () => {},
      });
      const body = JSON.stringify(trackingPayload());
      for (const credential of ["anymail:new-pass", "anymail:old-pass"]) {
        const answer = await handler.handle(post(body, { authorization: basic(credential) }));
        expect(answer.status, credential).toBe(200);
      }
      for (const wrong of ["anymail:new-pass, anymail:old-pass", " anymail:old-pass", "anymail:"]) {
        const answer = await handler.handle(post(body, { authorization: basic(wrong) }));
        expect(answer.status, wrong).toBe(401);
      }
    } finally {
      delete process.env.ANYMAIL_WEBHOOK_SECRET;
    }
  });

  it("answers 404 for a kind without a handler, before reading anything", async () => {
    const handler = createWebhookHandler({
      providers: [testProvider()],
      onTracking: () => {},
      logger: () => {},
    });
    const response = await handler.handle(post("{}", {}, "https://app.example/hooks/test/inbound"));
    expect(response.status).toBe(404);
  });

  it("answers 502 when the provider's follow-up API call fails, and records nothing", async () => {
    let calls = 0;
    const failing: WebhookProvider = {
      name: "flaky",
      kinds: ["inbound"],
      isSigned: () => true,
      verify: async () => ({ deliveryId: "d1" }),
      parse: async () => {
        calls++;
        throw new AnymailAPIError("the ESP's API timed out", { kind: "timeout", retryable: true });
      },
    };
    const handler = createWebhookHandler({
      providers: [failing],
      onInbound: () => {},
      logger: () => {},
    });
    const url = "https://app.example/x/flaky/inbound";
    expect((await handler.handle(new Request(url, { method: "POST", body: "{}" }))).status).toBe(
      502,
    );
    expect((await handler.handle(new Request(url, { method: "POST", body: "{}" }))).status).toBe(
      502,
    );
    expect(calls).toBe(2);
  });

  it("concurrent duplicate deliveries call the handler once", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const handler = createWebhookHandler({
      providers: [testProvider()],
      onTracking: async () => {
        calls++;
        await gate;
      },
      logger: () => {},
    });
    const body = JSON.stringify(trackingPayload());
    const headers = signHeaders(body, { id: nextId() });
    const first = handler.handle(new Request(URL_TRACKING, { method: "POST", body, headers }));
    const second = handler.handle(new Request(URL_TRACKING, { method: "POST", body, headers }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const statuses = (await Promise.all([first, second])).map((r) => r.status);
    expect(statuses).toEqual([200, 200]);
    expect(calls).toBe(1);
  });

  it("uses a custom replay store, and records only after success", async () => {
    const added: string[] = [];
    const seen = new Set<string>();
    const store: ReplayStore = {
      has: async (key) => seen.has(key),
      add: async (key) => {
        added.push(key);
        seen.add(key);
      },
    };
    let fail = true;
    const handler = createWebhookHandler({
      providers: [testProvider()],
      replayStore: store,
      onTracking: () => {
        if (fail) throw new Error("no");
      },
      logger: () => {},
    });
    const body = JSON.stringify(trackingPayload());
    const headers = signHeaders(body, { id: "msg_store" });
    expect(
      (await handler.handle(new Request(URL_TRACKING, { method: "POST", body, headers }))).status,
    ).toBe(500);
    expect(added).toEqual([]);
    fail = false;
    expect(
      (await handler.handle(new Request(URL_TRACKING, { method: "POST", body, headers }))).status,
    ).toBe(200);
    expect(added).toEqual(["test/tracking/msg_store"]);
  });

  it("a replay store that is down answers 500 (the ESP retries) instead of crashing", async () => {
    const handler = createWebhookHandler({
      providers: [testProvider()],
      replayStore: { has: () => Promise.reject(new Error("redis down")), add: () => {} },
      onTracking: () => {},
      logger: () => {},
    });
    const body = JSON.stringify(trackingPayload());
    expect((await handler.handle(post(body))).status).toBe(500);
  });

  it("replayStore: false turns de-duplication off", async () => {
    let calls = 0;
    const handler = createWebhookHandler({
      providers: [testProvider()],
      replayStore: false,
      onTracking: () => {
        calls++;
      },
      logger: () => {},
    });
    const body = JSON.stringify(trackingPayload());
    const headers = signHeaders(body, { id: "msg_again" });
    await handler.handle(new Request(URL_TRACKING, { method: "POST", body, headers }));
    await handler.handle(new Request(URL_TRACKING, { method: "POST", body, headers }));
    expect(calls).toBe(2);
  });

  it("rejects invalid options", () => {
    expect(() => createWebhookHandler({ providers: [], maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
    const twice = [testProvider(null), testProvider(null)];
    expect(() => createWebhookHandler({ providers: twice })).toThrow(/two providers/);
  });
});

describe("createMemoryReplayStore", () => {
  it("forgets the oldest ids beyond max", () => {
    const store = createMemoryReplayStore({ max: 2 });
    store.add("a");
    store.add("b");
    store.add("c");
    expect([store.has("a"), store.has("b"), store.has("c")]).toEqual([false, true, true]);
  });

  it("forgets ids after ttlMs", async () => {
    const store = createMemoryReplayStore({ ttlMs: 1 });
    store.add("a");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.has("a")).toBe(false);
  });

  it("rejects unusable options", () => {
    expect(() => createMemoryReplayStore({ max: 0 })).toThrow();
    expect(() => createMemoryReplayStore({ ttlMs: -1 })).toThrow();
  });
});
