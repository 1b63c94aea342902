import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets } from "../src/index.js";

describe("redactSecrets", () => {
  it("masks secret keys at any depth, any case", () => {
    expect(
      redactSecrets({
        Authorization: "Bearer x",
        nested: { api_key: "k", apiKey: "k", "X-Api-Key": "k", password: "p", keep: "visible" },
      }),
    ).toEqual({
      Authorization: REDACTED,
      nested: {
        api_key: REDACTED,
        apiKey: REDACTED,
        "X-Api-Key": REDACTED,
        password: REDACTED,
        keep: "visible",
      },
    });
  });

  it("masks secrets inside strings", () => {
    const out = redactSecrets([
      "key re_123456789abc used",
      "secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "Authorization: Basic dXNlcjpwYXNz",
      "GET https://user:pass@hooks.example.com/anymail",
    ]);
    expect(out).toEqual([
      `key re_${REDACTED} used`,
      `secret whsec_${REDACTED}`,
      `Authorization: Basic ${REDACTED}`,
      `GET https://${REDACTED}@hooks.example.com/anymail`,
    ]);
  });

  it("handles Headers, Maps, Errors, bytes and cycles without changing the input", () => {
    const input: Record<string, unknown> = {
      headers: new Headers({ authorization: "Bearer re_123456789abc", "content-type": "json" }),
      map: new Map([["apiKey", "k"]]),
      error: new Error("bad key re_123456789abc"),
      bytes: new Uint8Array(3),
    };
    input.self = input;
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(out.headers).toEqual({ authorization: REDACTED, "content-type": "json" });
    expect(out.map).toEqual({ apiKey: REDACTED });
    expect(out.error).toMatchObject({ name: "Error", message: `bad key re_${REDACTED}` });
    expect(out.bytes).toBe("[3 bytes]");
    expect(out.self).toBe("[Circular]");
    expect((input.headers as Headers).get("authorization")).toBe("Bearer re_123456789abc");
  });
});
