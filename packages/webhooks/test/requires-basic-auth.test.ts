import type { WebhookProvider } from "@anymail/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookHandler } from "../src/index.js";

function unsigned(requiresBasicAuth: boolean | undefined): WebhookProvider {
  return {
    name: "unsigned",
    kinds: ["tracking"],
    isSigned: () => false,
    ...(requiresBasicAuth === undefined ? {} : { requiresBasicAuth }),
    verify: async () => ({}),
    parse: async () => ({ kind: "tracking", events: [] }),
  };
}

describe("providers that require basic auth", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("refuses to build a handler without basicAuth", () => {
    vi.stubEnv("ANYMAIL_WEBHOOK_SECRET", "");
    expect(() =>
      createWebhookHandler({ providers: [unsigned(true)], onTracking: () => {}, logger: () => {} }),
    ).toThrow(
      expect.objectContaining({
        code: "configuration_error",
        message: expect.stringContaining("unsigned webhooks carry no signature"),
      }),
    );
  });

  it("builds with basicAuth, or with ANYMAIL_WEBHOOK_SECRET", async () => {
    vi.stubEnv("ANYMAIL_WEBHOOK_SECRET", "");
    const handler = createWebhookHandler({
      providers: [unsigned(true)],
      basicAuth: "user:pass",
      onTracking: () => {},
    });
    const url = "https://app.example/anymail/unsigned/tracking";
    expect((await handler.handle(new Request(url, { method: "POST", body: "{}" }))).status).toBe(
      401,
    );
    const auth = `Basic ${btoa("user:pass")}`;
    const ok = await handler.handle(
      new Request(url, { method: "POST", body: "{}", headers: { authorization: auth } }),
    );
    expect(ok.status).toBe(200);

    vi.stubEnv("ANYMAIL_WEBHOOK_SECRET", "env:secret");
    expect(() =>
      createWebhookHandler({ providers: [unsigned(true)], onTracking: () => {} }),
    ).not.toThrow();
  });

  it("only warns for an unsigned provider that allows unauthenticated posts", () => {
    vi.stubEnv("ANYMAIL_WEBHOOK_SECRET", "");
    const warnings: string[] = [];
    createWebhookHandler({
      providers: [unsigned(false)],
      onTracking: () => {},
      logger: (record) => warnings.push(record.message),
    });
    expect(warnings).toEqual([expect.stringContaining("INSECURE")]);
  });
});
