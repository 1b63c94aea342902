import { readFileSync } from "node:fs";
import { AnymailConfigurationError } from "@anymail/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resolveResendConfig } from "../src/config.js";
import { resend } from "../src/index.js";
import { VERSION } from "../src/version.js";

const ENV_NAMES = [
  "ANYMAIL_RESEND_API_KEY",
  "RESEND_API_KEY",
  "ANYMAIL_RESEND_API_URL",
  "RESEND_API_URL",
  "RESEND_BASE_URL",
];

function clearEnv() {
  for (const name of ENV_NAMES) vi.stubEnv(name, "");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("API key", () => {
  it("fails at construction naming the option and both env vars", () => {
    clearEnv();
    let error: unknown;
    try {
      resend();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AnymailConfigurationError);
    const { message, code } = error as AnymailConfigurationError;
    expect(code).toBe("configuration_error");
    expect(message).toContain("apiKey");
    expect(message).toContain("ANYMAIL_RESEND_API_KEY");
    expect(message).toContain("RESEND_API_KEY");
  });

  it("prefers the option, then ANYMAIL_RESEND_API_KEY, then RESEND_API_KEY", () => {
    clearEnv();
    vi.stubEnv("RESEND_API_KEY", "re_plain");
    expect(resolveResendConfig().apiKey).toBe("re_plain");
    vi.stubEnv("ANYMAIL_RESEND_API_KEY", "re_anymail");
    expect(resolveResendConfig().apiKey).toBe("re_anymail");
    expect(resolveResendConfig({ apiKey: "re_option" }).apiKey).toBe("re_option");
  });

  it.each([
    ["NUL", "re_secret_key\u0000"],
    ["DEL", "re_secret_key\u007f"],
    ["newline", "re_secret_key\n"],
    ["space", "re_secret key"],
  ])("refuses a key with %s when built, not later as a retryable network error", (_what, key) => {
    expect(() => resend({ apiKey: key })).toThrow(
      expect.objectContaining({
        code: "configuration_error",
        message: expect.stringContaining("visible ASCII"),
      }),
    );
  });

  it("refuses a key with a line break without echoing it", () => {
    expect(() => resend({ apiKey: "re_secret\r\nX-Evil: 1" })).toThrow(
      expect.objectContaining({
        code: "configuration_error",
        message: expect.not.stringContaining("re_secret"),
      }),
    );
  });
});

describe("API URL", () => {
  it("defaults to https://api.resend.com/", () => {
    clearEnv();
    expect(resend({ apiKey: "k" }).apiUrl).toBe("https://api.resend.com/");
  });

  it("falls back to ANYMAIL_RESEND_API_URL, then RESEND_API_URL", () => {
    clearEnv();
    vi.stubEnv("RESEND_API_URL", "http://127.0.0.1:9/plain");
    expect(resolveResendConfig({ apiKey: "k" }).apiUrl).toBe("http://127.0.0.1:9/plain/");
    vi.stubEnv("ANYMAIL_RESEND_API_URL", "http://127.0.0.1:9/anymail/");
    expect(resolveResendConfig({ apiKey: "k" }).apiUrl).toBe("http://127.0.0.1:9/anymail/");
    expect(resolveResendConfig({ apiKey: "k", apiUrl: "http://localhost:3025" }).apiUrl).toBe(
      "http://localhost:3025/",
    );
  });

  it("reads RESEND_BASE_URL (the official SDK's name) last", () => {
    clearEnv();
    vi.stubEnv("RESEND_BASE_URL", "http://127.0.0.1:3025");
    expect(resend({ apiKey: "k" }).apiUrl).toBe("http://127.0.0.1:3025/");
    vi.stubEnv("RESEND_API_URL", "http://127.0.0.1:9/plain");
    expect(resend({ apiKey: "k" }).apiUrl).toBe("http://127.0.0.1:9/plain/");
  });

  it("a key pasted as the URL (an env mix-up) is never echoed, nor kept in a cause", () => {
    clearEnv();
    const key = "re_live_4f2a9c1d8e7b6a5f";
    for (const build of [
      () => resend({ apiKey: "k", apiUrl: key }),
      () => {
        vi.stubEnv("RESEND_API_URL", key);
        return resend({ apiKey: "k" });
      },
    ]) {
      let error: unknown;
      try {
        build();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AnymailConfigurationError);
      const { message, cause } = error as AnymailConfigurationError;
      expect(message).toContain("apiUrl");
      expect(message).not.toContain(key);
      // A URL TypeError carries `input`: nothing of it may survive.
      expect(JSON.stringify({ cause, text: String(cause) })).not.toContain(key);
    }
  });

  it("refuses an unusable URL", () => {
    expect(() => resend({ apiKey: "k", apiUrl: "not a url" })).toThrow(AnymailConfigurationError);
    expect(() => resend({ apiKey: "k", apiUrl: "ftp://example.com/" })).toThrow(
      AnymailConfigurationError,
    );
  });
});

describe("other options", () => {
  it("has the documented defaults", () => {
    const config = resolveResendConfig({ apiKey: "k" });
    expect(config).toMatchObject({
      timeoutMs: 30_000,
      verifyAttachmentExtensions: true,
      userAgent: `anymail-resend/${VERSION}`,
    });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses timeoutMs %s", (timeoutMs) => {
    expect(() => resend({ apiKey: "k", timeoutMs })).toThrow(AnymailConfigurationError);
  });

  it.each([0, 1.5, -2])("refuses connections %s", (connections) => {
    expect(() => resend({ apiKey: "k", connections })).toThrow(AnymailConfigurationError);
  });

  it("refuses a user agent with a line break", () => {
    expect(() => resend({ apiKey: "k", userAgent: "a\nb" })).toThrow(AnymailConfigurationError);
  });

  it("keeps VERSION equal to package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });

  it("names itself Resend and exposes its feature table", () => {
    const provider = resend({ apiKey: "k" });
    expect(provider.name).toBe("Resend");
    expect(provider.features.unsupported).toContain("trackOpens");
  });
});
