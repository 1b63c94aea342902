import { AnymailConfigurationError, AnymailWebhookValidationFailure } from "@anymail/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resendWebhooks } from "../../src/index.js";
import { OTHER_SECRET, rawRequest, SECRET, signedHeaders, signedRequest } from "./helpers.js";

const payload = {
  type: "email.delivered",
  created_at: "2026-11-20T10:15:06.318Z",
  data: { email_id: "e1", to: ["ana@example.org"] },
};
const body = JSON.stringify(payload);

async function failure(promise: Promise<unknown>): Promise<AnymailWebhookValidationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnymailWebhookValidationFailure);
  return error as AnymailWebhookValidationFailure;
}

describe("resendWebhooks signature verification (svix scheme)", () => {
  const provider = resendWebhooks({ signingSecret: SECRET, inboundSecret: OTHER_SECRET });

  it("accepts a correctly signed body and returns the svix-id as delivery id", async () => {
    await expect(
      provider.verify("tracking", signedRequest(payload, { id: "msg_abc" })),
    ).resolves.toEqual({ deliveryId: "msg_abc" });
    expect(provider.isSigned("tracking")).toBe(true);
    expect(provider.isSigned("inbound")).toBe(true);
  });

  it("accepts the Standard Webhooks header names (webhook-*)", async () => {
    const request = signedRequest(payload, { id: "msg_std", headerPrefix: "webhook" });
    await expect(provider.verify("tracking", request)).resolves.toEqual({ deliveryId: "msg_std" });
  });

  it("accepts a rotated signature list where any v1 entry matches", async () => {
    const headers = signedHeaders(body);
    headers.set("svix-signature", `v1,Zm9vYmFy ${headers.get("svix-signature")}`);
    await expect(provider.verify("tracking", rawRequest(body, headers))).resolves.toBeDefined();
  });

  it("rejects a tampered body", async () => {
    const headers = signedHeaders(body);
    const tampered = body.replace("ana@", "eve@");
    const error = await failure(provider.verify("tracking", rawRequest(tampered, headers)));
    expect(error.message).toMatch(/No matching signature/);
  });

  it("rejects re-serialized JSON (whitespace differs from the signed bytes)", async () => {
    const headers = signedHeaders(JSON.stringify(payload, null, 2));
    await failure(provider.verify("tracking", rawRequest(body, headers)));
  });

  it("rejects the wrong secret, and uses the inbound secret for inbound", async () => {
    const signedWithInbound = signedRequest(payload, { secret: OTHER_SECRET });
    await failure(provider.verify("tracking", signedWithInbound));
    await expect(provider.verify("inbound", signedWithInbound)).resolves.toBeDefined();
    await failure(provider.verify("inbound", signedRequest(payload, { secret: SECRET })));
  });

  it("rejects stale and future timestamps (5-minute tolerance)", async () => {
    const stale = new Date(Date.now() - 6 * 60 * 1000);
    const future = new Date(Date.now() + 6 * 60 * 1000);
    expect(
      (await failure(provider.verify("tracking", signedRequest(payload, { at: stale })))).message,
    ).toMatch(/too old/);
    expect(
      (await failure(provider.verify("tracking", signedRequest(payload, { at: future })))).message,
    ).toMatch(/too new/);
    const recent = new Date(Date.now() - 4 * 60 * 1000);
    await expect(
      provider.verify("tracking", signedRequest(payload, { at: recent })),
    ).resolves.toBeDefined();
  });

  it.each(["svix-id", "svix-timestamp", "svix-signature"])(
    "rejects a missing %s header",
    async (name) => {
      const headers = signedHeaders(body);
      headers.delete(name);
      const error = await failure(provider.verify("tracking", rawRequest(body, headers)));
      expect(error.message).toMatch(/Missing required headers/);
    },
  );

  it("never puts the secret in an error message", async () => {
    const error = await failure(
      provider.verify("tracking", signedRequest(payload, { secret: OTHER_SECRET })),
    );
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(SECRET.slice("whsec_".length));
    expect(error.message).toContain("RESEND_SIGNING_SECRET");
  });

  it("verifies over the exact bytes, a leading UTF-8 byte-order mark included", async () => {
    const withBom = `\uFEFF${body}`;
    await expect(
      provider.verify("tracking", rawRequest(withBom, signedHeaders(withBom))),
    ).resolves.toBeDefined();
    await failure(provider.verify("tracking", rawRequest(withBom, signedHeaders(body))));
  });

  it("verifies over the exact bytes when they are not UTF-8 (not over a decoded text)", async () => {
    const valid = new TextEncoder().encode(body);
    const invalid = Uint8Array.from([...valid.subarray(0, 20), 0xc3, 0x28, ...valid.subarray(20)]);
    const other = Uint8Array.from([...valid.subarray(0, 20), 0xff, 0x28, ...valid.subarray(20)]);
    await expect(
      provider.verify("tracking", rawRequest(invalid, signedHeaders(invalid))),
    ).resolves.toBeDefined();
    // Both invalid sequences decode to the same U+FFFD text; only the signed bytes verify.
    await failure(provider.verify("tracking", rawRequest(other, signedHeaders(invalid))));
    const asText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(invalid);
    await failure(provider.verify("tracking", rawRequest(invalid, signedHeaders(asText))));
  });

  it("passes an authentic non-JSON body on to parse (which answers 400), not as a signature failure", async () => {
    await expect(provider.verify("tracking", signedRequest("not json"))).resolves.toBeDefined();
  });

  it("without a secret, verifies nothing and still reports the delivery id", async () => {
    const open = resendWebhooks({});
    expect(open.isSigned("tracking")).toBe(false);
    const headers = new Headers({ "svix-id": "msg_open" });
    await expect(open.verify("tracking", rawRequest(body, headers))).resolves.toEqual({
      deliveryId: "msg_open",
    });
  });

  it("refuses a secret that isn't a Svix secret, without echoing it", () => {
    const bad = "whsec_!!!not-base64!!!";
    expect(() => resendWebhooks({ signingSecret: bad })).toThrow(AnymailConfigurationError);
    try {
      resendWebhooks({ signingSecret: bad });
    } catch (error) {
      expect((error as Error).message).not.toContain("not-base64");
    }
  });
});

describe("resendWebhooks configuration", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("reads secrets from RESEND_SIGNING_SECRET and RESEND_INBOUND_SECRET", async () => {
    vi.stubEnv("RESEND_SIGNING_SECRET", SECRET);
    vi.stubEnv("RESEND_INBOUND_SECRET", "");
    const provider = resendWebhooks();
    expect(provider.isSigned("tracking")).toBe(true);
    expect(provider.isSigned("inbound")).toBe(false);
    await failure(provider.verify("tracking", signedRequest(payload, { secret: OTHER_SECRET })));
  });

  it("refuses an unusable apiUrl or fetchTimeoutMs", () => {
    expect(() => resendWebhooks({ apiUrl: "ftp://x" })).toThrow(AnymailConfigurationError);
    expect(() => resendWebhooks({ apiUrl: "::" })).toThrow(AnymailConfigurationError);
    expect(() => resendWebhooks({ fetchTimeoutMs: 0 })).toThrow(AnymailConfigurationError);
  });
});
