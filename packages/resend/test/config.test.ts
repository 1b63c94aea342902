import { readFileSync } from "node:fs";
import { AnymailConfigurationError } from "@anymail/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resend, resolveResendConfig } from "../src/index.js";
import { VERSION } from "../src/version.js";

const ENV_NAMES = [
  "ANYMAIL_RESEND_API_KEY",
  "RESEND_API_KEY",
  "ANYMAIL_RESEND_API_URL",
  "RESEND_API_URL",
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
