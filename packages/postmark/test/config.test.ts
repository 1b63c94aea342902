import { AnymailConfigurationError, createMailer } from "@anymail/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_POSTMARK_API_URL,
  postmark,
  resolvePostmarkConfig,
  VERSION,
} from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";
import packageJson from "../package.json" with { type: "json" };

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

describe("postmark() configuration", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    server.reset();
  });

  function clearEnv() {
    for (const name of [
      "ANYMAIL_POSTMARK_SERVER_TOKEN",
      "POSTMARK_SERVER_TOKEN",
      "ANYMAIL_POSTMARK_API_URL",
      "POSTMARK_API_URL",
    ])
      vi.stubEnv(name, "");
  }

  it("names all three places when the token is missing (test_missing_api_key)", () => {
    clearEnv();
    expect(() => postmark()).toThrow(AnymailConfigurationError);
    expect(() => postmark()).toThrow(
      /serverToken.*ANYMAIL_POSTMARK_SERVER_TOKEN.*POSTMARK_SERVER_TOKEN/,
    );
  });

  it("prefers the option, then ANYMAIL_POSTMARK_SERVER_TOKEN, then POSTMARK_SERVER_TOKEN", () => {
    clearEnv();
    vi.stubEnv("POSTMARK_SERVER_TOKEN", "bare");
    expect(resolvePostmarkConfig().serverToken).toBe("bare");
    vi.stubEnv("ANYMAIL_POSTMARK_SERVER_TOKEN", "anymail");
    expect(resolvePostmarkConfig().serverToken).toBe("anymail");
    expect(resolvePostmarkConfig({ serverToken: "option" }).serverToken).toBe("option");
  });

  it("defaults the API URL and takes ANYMAIL_POSTMARK_API_URL / POSTMARK_API_URL", () => {
    clearEnv();
    expect(resolvePostmarkConfig({ serverToken: "t" }).apiUrl).toBe(DEFAULT_POSTMARK_API_URL);
    vi.stubEnv("POSTMARK_API_URL", "http://bare.example/v1");
    expect(resolvePostmarkConfig({ serverToken: "t" }).apiUrl).toBe("http://bare.example/v1/");
    vi.stubEnv("ANYMAIL_POSTMARK_API_URL", "http://anymail.example/");
    expect(resolvePostmarkConfig({ serverToken: "t" }).apiUrl).toBe("http://anymail.example/");
  });

  it("works with or without a trailing slash on apiUrl", async () => {
    for (const apiUrl of [server.url, server.url.replace(/\/$/, ""), `${server.url}v2`]) {
      server.reset();
      const mailer = createMailer({
        provider: postmark({ serverToken: "t", apiUrl }),
        retry: false,
      });
      await mailer.send({ from: "a@example.com", to: "b@example.com", subject: "s", text: "t" });
      expect(server.last().path).toBe(apiUrl.endsWith("v2") ? "/v2/email" : "/email");
      await mailer.close();
    }
  });

  it("refuses unusable options at construction, never echoing the token", () => {
    expect(() => postmark({ serverToken: "secret\nX: y" })).toThrow(AnymailConfigurationError);
    try {
      postmark({ serverToken: "secret\nX: y" });
    } catch (error) {
      expect((error as Error).message).not.toContain("secret");
    }
    expect(() => postmark({ serverToken: "t", apiUrl: "ftp://example.com" })).toThrow(/http/);
    expect(() => postmark({ serverToken: "t", apiUrl: "not a url" })).toThrow(/not a valid/);
    expect(() => postmark({ serverToken: "t", timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => postmark({ serverToken: "t", userAgent: "a\r\nb" })).toThrow(/userAgent/);
  });

  it("sends a User-Agent naming this package and version", async () => {
    expect(VERSION).toBe(packageJson.version);
    const mailer = createMailer({ provider: postmark({ serverToken: "t", apiUrl: server.url }) });
    await mailer.send({ from: "a@example.com", to: "b@example.com", subject: "s", text: "t" });
    expect(server.last().headers["user-agent"]).toBe(`anymail-postmark/${VERSION}`);
    await mailer.close();
  });

  it("declares itself not idempotent", () => {
    expect(postmark({ serverToken: "t" }).idempotent).toBe(false);
  });
});
