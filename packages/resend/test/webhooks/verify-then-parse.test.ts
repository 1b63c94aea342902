import { AnymailInvalidWebhookPayload } from "@anymail/core";
import { describe, expect, it } from "vitest";
import { resendWebhooks } from "../../src/index.js";
import { rawRequest, SECRET, signedHeaders, signedRequest } from "./helpers.js";

// verify() checks the signature only; parse() reads the same bytes. These pin that a signed
// provider parses exactly what an unsigned one does, and refuses what that would refuse.
const payload = {
  type: "email.delivered",
  created_at: "2026-11-20T10:15:06.318Z",
  data: {
    email_id: "e1",
    to: ["Ana <ana@example.org>"],
    headers: [{ name: "X-Tags", value: '["order"]' }],
  },
};

describe("resendWebhooks verify() then parse()", () => {
  const signed = resendWebhooks({ signingSecret: SECRET });
  const unsigned = resendWebhooks({});

  it("parses the same event as a provider that parses the bytes itself", async () => {
    const request = signedRequest(payload, { id: "msg_same" });
    const verified = await signed.verify("tracking", request);
    const viaVerify = await signed.parse("tracking", request, verified);
    const fromBytes = await unsigned.parse("tracking", request, verified);
    expect(viaVerify).toEqual(fromBytes);
    expect(viaVerify.events[0]).toMatchObject({ eventType: "delivered", tags: ["order"] });
  });

  it("gives each parse of the same request its own objects", async () => {
    const request = signedRequest(payload);
    const verified = await signed.verify("tracking", request);
    const first = await signed.parse("tracking", request, verified);
    const second = await signed.parse("tracking", request, verified);
    expect(second).toEqual(first);
    expect(second.events[0]?.espEvent).not.toBe(first.events[0]?.espEvent);
  });

  it("never applies one delivery's parse to other bytes, nor leaks it into copies or JSON", async () => {
    const first = signedRequest(payload, { id: "msg_first" });
    const other = { ...payload, type: "email.bounced" };
    const second = signedRequest(other, { id: "msg_second" });
    const verified = await signed.verify("tracking", first);
    expect(JSON.parse(JSON.stringify(verified))).toEqual({ deliveryId: "msg_first" });
    expect({ ...verified }).toEqual({ deliveryId: "msg_first" });
    const parsed = await signed.parse("tracking", second, verified);
    expect(parsed.events[0]?.eventType).toBe("bounced");
    const fromCopy = await signed.parse("tracking", first, { ...verified });
    expect(fromCopy.events[0]?.eventType).toBe("delivered");
  });

  it("refuses authentic bytes that are not UTF-8 in parse (400), after verify accepted them", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify(payload));
    const invalid = new Uint8Array([...bytes.subarray(0, 20), 0xc3, 0x28, ...bytes.subarray(20)]);
    const request = rawRequest(invalid, signedHeaders(invalid));
    const verified = await signed.verify("tracking", request);
    await expect(signed.parse("tracking", request, verified)).rejects.toThrow(
      AnymailInvalidWebhookPayload,
    );
    await expect(signed.parse("tracking", request, verified)).rejects.toThrow(/not UTF-8/);
  });

  it("parses a signed body with a leading BOM the way the byte parser does", async () => {
    const body = `\uFEFF${JSON.stringify(payload)}`;
    const request = rawRequest(body, signedHeaders(body));
    const verified = await signed.verify("tracking", request);
    const parsed = await signed.parse("tracking", request, verified);
    expect(parsed).toEqual(await unsigned.parse("tracking", request, verified));
  });

  it("answers an authentic body that is not JSON with the payload error, not a signature error", async () => {
    const request = rawRequest("not json", signedHeaders("not json"));
    const verified = await signed.verify("tracking", request);
    await expect(signed.parse("tracking", request, verified)).rejects.toThrow(/not valid JSON/);
  });
});
