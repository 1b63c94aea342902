import { AnymailAPIError } from "@anymail/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorFromResponse,
  checkCredential,
  createLazyRequire,
  defineRedaction,
  headerOption,
  loadOptional,
  mergeEspExtra,
  parseBaseUrl,
  parseJsonOrText,
  parseRetryAfter,
  positiveInteger,
  positiveMs,
  requireCredential,
  resolveSetting,
  settingEnvNames,
  toEspResponse,
  toJson,
} from "../src/index.js";

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads delta-seconds, fractional too", () => {
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter(" 1.5 ", now)).toBe(1500);
    expect(parseRetryAfter("0", now)).toBe(0);
  });
  it("reads an HTTP date, 0 when already past", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
  });
  it("ignores what it can't read", () => {
    for (const value of [undefined, "", "soon", "-1", "1e3", "12 May"]) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe("settings from options and env", () => {
  const lookup = { esp: "EXAMPLE", name: "API_URL", fallbacks: ["EXAMPLE_BASE_URL"] };
  it("option, then ANYMAIL_<ESP>_<NAME>, then <ESP>_<NAME>, then fallbacks", () => {
    expect(settingEnvNames(lookup)).toEqual([
      "ANYMAIL_EXAMPLE_API_URL",
      "EXAMPLE_API_URL",
      "EXAMPLE_BASE_URL",
    ]);
    expect(resolveSetting(undefined, lookup)).toBeUndefined();
    process.env.EXAMPLE_BASE_URL = "http://c";
    expect(resolveSetting(undefined, lookup)).toEqual({
      value: "http://c",
      source: "EXAMPLE_BASE_URL",
    });
    process.env.EXAMPLE_API_URL = "http://b";
    expect(resolveSetting(undefined, lookup)?.source).toBe("EXAMPLE_API_URL");
    process.env.ANYMAIL_EXAMPLE_API_URL = "http://a";
    expect(resolveSetting(undefined, lookup)?.source).toBe("ANYMAIL_EXAMPLE_API_URL");
    expect(resolveSetting("http://o", lookup)).toEqual({ value: "http://o", source: "option" });
  });
  it("treats empty as unset", () => {
    process.env.ANYMAIL_EXAMPLE_API_URL = "";
    process.env.EXAMPLE_API_URL = "http://b";
    expect(resolveSetting("", lookup)?.source).toBe("EXAMPLE_API_URL");
  });
});

describe("configuration checks never echo a value", () => {
  const secret = "sk_live_0123456789abcdef";
  function messageAndCause(fn: () => unknown): string {
    try {
      fn();
    } catch (error) {
      expect(error).toMatchObject({ code: "configuration_error" });
      // The message, the cause and anything the cause carries (a URL TypeError's `input`).
      const cause = (error as { cause?: unknown }).cause;
      return JSON.stringify({
        message: (error as Error).message,
        cause: String(cause),
        fields: cause,
      });
    }
    throw new Error("expected a configuration error");
  }

  it("a key pasted as the URL is described, not echoed, and no cause keeps it", () => {
    const text = messageAndCause(() =>
      parseBaseUrl("Example", "apiUrl", { value: secret, source: "EXAMPLE_API_URL" }),
    );
    expect(text).not.toContain(secret);
    expect(text).toContain("apiUrl (from EXAMPLE_API_URL) is not a valid absolute URL");
    expect(() =>
      parseBaseUrl("Example", "apiUrl", { value: `ftp://${secret}`, source: "option" }),
    ).toThrow(/must be an http/);
    expect(
      parseBaseUrl("Example", "apiUrl", {
        value: "http://127.0.0.1:3025/v1?x=1#y",
        source: "option",
      }),
    ).toBe("http://127.0.0.1:3025/v1/");
  });

  it("keys must be visible ASCII: NUL, DEL, newline, space, non-ASCII are refused at build", () => {
    for (const bad of [
      `${secret}\n`,
      `${secret}\0`,
      `${secret}\x7f`,
      `a ${secret}`,
      `${secret}é`,
    ]) {
      const text = messageAndCause(() =>
        checkCredential("Example", "apiKey", { value: bad, source: "option" }),
      );
      expect(text).not.toContain(secret);
      expect(text).toContain("must be visible ASCII");
    }
    expect(checkCredential("Example", "apiKey", { value: secret, source: "option" })).toBe(secret);
  });

  it("a missing credential names where it was looked for", () => {
    expect(() =>
      requireCredential("Example", "apiKey", undefined, [
        "ANYMAIL_EXAMPLE_API_KEY",
        "EXAMPLE_API_KEY",
      ]),
    ).toThrow(
      "Example apiKey missing: pass it as the apiKey option, or set ANYMAIL_EXAMPLE_API_KEY or EXAMPLE_API_KEY",
    );
  });

  it("numbers and header options", () => {
    expect(positiveMs("Example", "timeoutMs", 5)).toBe(5);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => positiveMs("Example", "timeoutMs", bad)).toThrow(/timeoutMs must be a positive/);
    }
    expect(() => positiveInteger("Example", "connections", 1.5)).toThrow(/whole number/);
    expect(() => headerOption("Example", "userAgent", "a\r\nX-Evil: 1")).toThrow(/single-line/);
    expect(headerOption("Example", "userAgent", "app/1.0 (tab\tok)")).toBe("app/1.0 (tab\tok)");
  });
});

describe("responses", () => {
  const redaction = defineRedaction({ patterns: [/\btok_\w+/g], values: ["plain-secret-value"] });
  it("an error response is scrubbed, body and headers; a 2xx body is data and kept", () => {
    const failed = toEspResponse(
      {
        status: 401,
        headers: { "x-echo": "tok_123456 plain-secret-value" },
        body: '{"message":"bad tok_123456"}',
      },
      redaction,
    );
    expect(JSON.stringify(failed)).not.toMatch(/tok_123456|plain-secret-value/);
    expect(failed.body).toEqual({ message: "bad [REDACTED]" });
    const ok = toEspResponse(
      { status: 200, headers: {}, body: '{"text":"mail about tok_123456"}' },
      redaction,
    );
    expect(ok.body).toEqual({ text: "mail about tok_123456" });
  });
  it("builds an API error with Retry-After and a one-line message", () => {
    const error = apiErrorFromResponse(
      "Example",
      { status: 429, headers: { "retry-after": "3" }, body: "Too   many\nrequests" },
      { retryable: true },
    );
    expect(error).toBeInstanceOf(AnymailAPIError);
    expect(error).toMatchObject({
      statusCode: 429,
      retryAfterMs: 3000,
      retryable: true,
      kind: "http",
    });
    expect(error.message).toBe("Example API response 429: Too many requests");
    expect(parseJsonOrText("")).toBe("");
  });
});

describe("mergeEspExtra: one deep-merge rule for every provider", () => {
  it("merges plain objects at every depth; arrays and scalars replace; inputs untouched", () => {
    const payload = { a: 1, headers: { X: "1" }, list: [1], nested: { deep: { keep: true } } };
    const extra = { headers: { Y: "2" }, list: [2], nested: { deep: { add: 1 } } };
    expect(mergeEspExtra(payload, extra)).toEqual({
      a: 1,
      headers: { X: "1", Y: "2" },
      list: [2],
      nested: { deep: { keep: true, add: 1 } },
    });
    expect(payload.headers).toEqual({ X: "1" });
  });
  it("ignores prototype-polluting keys", () => {
    const merged = mergeEspExtra(
      {},
      JSON.parse('{"__proto__":{"polluted":1},"constructor":{"x":1}}'),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual([]);
  });
});

describe("toJson", () => {
  it("names the provider and field of what can't be serialized", () => {
    expect(toJson("Example", { a: 1 })).toBe('{"a":1}');
    expect(() => toJson("Example", { n: 1n }, "metadata")).toThrow(/Example \(in metadata\)/);
    expect(() => toJson("Example", () => 1)).toThrow(/no JSON form/);
  });
});

describe("lazy optional dependencies", () => {
  it("a missing package is AnymailImproperlyInstalled with the install command", () => {
    const lazyRequire = createLazyRequire(import.meta.url);
    expect(() =>
      loadOptional(() => lazyRequire("anymail-no-such-package"), {
        provider: "Example",
        packageName: "anymail-no-such-package",
        feature: "testing",
        install: "npm install anymail-no-such-package@1",
      }),
    ).toThrow(
      expect.objectContaining({
        code: "improperly_installed",
        message: expect.stringContaining("npm install anymail-no-such-package@1"),
      }),
    );
  });
  it("loads what is installed, resolving from the caller", () => {
    const lazyRequire = createLazyRequire(import.meta.url);
    expect(typeof (lazyRequire("undici") as { Agent: unknown }).Agent).toBe("function");
  });
});
