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

  it("masks generic credentials inside strings", () => {
    const out = redactSecrets([
      "Authorization: Basic dXNlcjpwYXNz",
      "GET https://user:pass@hooks.example.com/anymail",
    ]);
    expect(out).toEqual([
      `Authorization: Basic ${REDACTED}`,
      `GET https://${REDACTED}@hooks.example.com/anymail`,
    ]);
  });

  it("names no provider: formats, keys and values come from the provider's redaction", () => {
    const input = {
      text: "key tok_123456789abc used, token-of-record s3cr3t-value",
      headers: { "X-Example-Token": "anything", "content-type": "json" },
    };
    expect(redactSecrets(input)).toEqual(input);
    expect(
      redactSecrets(input, {
        patterns: [/\btok_[A-Za-z0-9]+/],
        keys: ["x-example-token"],
        values: ["s3cr3t-value"],
      }),
    ).toEqual({
      text: `key ${REDACTED} used, token-of-record ${REDACTED}`,
      headers: { "X-Example-Token": REDACTED, "content-type": "json" },
    });
  });

  it("ignores secret values too short to mask safely", () => {
    expect(redactSecrets("a b c", { values: ["a", ""] })).toBe("a b c");
  });

  it("handles Headers, Maps, Errors, bytes and cycles without changing the input", () => {
    const input: Record<string, unknown> = {
      headers: new Headers({ authorization: "Bearer re_123456789abc", "content-type": "json" }),
      map: new Map([["apiKey", "k"]]),
      error: new Error("bad key re_123456789abc"),
      bytes: new Uint8Array(3),
    };
    input.self = input;
    const out = redactSecrets(input, { patterns: [/\bre_\w+/g] }) as Record<string, unknown>;
    expect(out.headers).toEqual({ authorization: REDACTED, "content-type": "json" });
    expect(out.map).toEqual({ apiKey: REDACTED });
    expect(out.error).toMatchObject({ name: "Error", message: `bad key ${REDACTED}` });
    expect(out.bytes).toBe("[3 bytes]");
    expect(out.self).toBe("[Circular]");
    expect((input.headers as Headers).get("authorization")).toBe("Bearer re_123456789abc");
  });
});
