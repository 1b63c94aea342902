import { isAnymailError } from "@anymail/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAILGUN_EU_API_URL, mailgun, resolveMailgunConfig, VERSION } from "../src/index.js";
import pkg from "../package.json" with { type: "json" };

afterEach(() => vi.unstubAllEnvs());

function clearEnv() {
  for (const name of ["API_KEY", "SENDER_DOMAIN", "API_URL"]) {
    vi.stubEnv(`ANYMAIL_MAILGUN_${name}`, "");
    vi.stubEnv(`MAILGUN_${name}`, "");
  }
}

describe("mailgun() configuration", () => {
  it("names all three places when the key is missing (test_missing_api_key)", () => {
    clearEnv();
    let error: unknown;
    try {
      mailgun();
    } catch (e) {
      error = e;
    }
    expect(isAnymailError(error, "configuration_error")).toBe(true);
    expect((error as Error).message).toMatch(/apiKey.*ANYMAIL_MAILGUN_API_KEY.*MAILGUN_API_KEY/);
  });

  it("reads ANYMAIL_MAILGUN_* before MAILGUN_*, and the option before both", () => {
    clearEnv();
    vi.stubEnv("MAILGUN_API_KEY", "bare");
    vi.stubEnv("MAILGUN_SENDER_DOMAIN", "bare.example.com");
    expect(resolveMailgunConfig().apiKey).toBe("bare");
    expect(resolveMailgunConfig().senderDomain).toBe("bare.example.com");
    vi.stubEnv("ANYMAIL_MAILGUN_API_KEY", "prefixed");
    vi.stubEnv("ANYMAIL_MAILGUN_API_URL", "https://api.eu.mailgun.net/v3");
    expect(resolveMailgunConfig().apiKey).toBe("prefixed");
    expect(resolveMailgunConfig().apiUrl).toBe("https://api.eu.mailgun.net/v3/");
    expect(resolveMailgunConfig({ apiKey: "option" }).apiKey).toBe("option");
  });

  it("defaults to the US API and knows the EU host", () => {
    clearEnv();
    expect(resolveMailgunConfig({ apiKey: "k" }).apiUrl).toBe("https://api.mailgun.net/v3/");
    expect(mailgun({ apiKey: "k", apiUrl: MAILGUN_EU_API_URL }).apiUrl).toBe(
      "https://api.eu.mailgun.net/v3/",
    );
    expect(resolveMailgunConfig({ apiKey: "k" }).timeoutMs).toBe(30_000);
  });

  it("refuses unusable options at construction", () => {
    clearEnv();
    const bad = [
      { apiKey: "k\r\nX: y" },
      { apiKey: "k", apiUrl: "not a url" },
      { apiKey: "k", apiUrl: "ftp://api.mailgun.net/v3" },
      { apiKey: "k", apiUrl: "https://api:secret@api.mailgun.net/v3" },
      { apiKey: "k", timeoutMs: 0 },
      { apiKey: "k", senderDomain: "a/b" },
      { apiKey: "k", userAgent: "x\ny" },
    ];
    for (const options of bad) {
      expect(() => mailgun(options), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: "configuration_error" }),
      );
    }
  });

  it("declares itself not idempotent", () => {
    expect(mailgun({ apiKey: "k" }).idempotent).toBe(false);
  });

  it("keeps VERSION equal to package.json", () => {
    expect(VERSION).toBe(pkg.version);
  });
});
