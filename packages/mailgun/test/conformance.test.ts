import { describeProviderConformance } from "@anymail/core/conformance";
import { afterAll, beforeAll } from "vitest";
import { mailgun } from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";

let ok: CaptureServer;
let unauthorized: CaptureServer;
let throttled: CaptureServer;
let unavailable: CaptureServer;

beforeAll(async () => {
  ok = await startCaptureServer();
  unauthorized = await startCaptureServer({ always: { status: 401, body: "Forbidden" } });
  throttled = await startCaptureServer({
    always: {
      status: 429,
      headers: { "retry-after": "1" },
      body: { message: "Too many requests" },
    },
  });
  unavailable = await startCaptureServer({
    always: { status: 504, body: "<html><title>504 Gateway Time-out</title></html>" },
  });
});
afterAll(async () => {
  await Promise.all([ok.close(), unauthorized.close(), throttled.close(), unavailable.close()]);
});

describeProviderConformance({
  name: "Mailgun",
  createProvider: () => mailgun({ apiKey: "key-conformance", apiUrl: ok.apiUrl }),
  validMessage: {
    from: "Shop <shop@example.com>",
    to: "ana@example.org",
    subject: "Conformance",
    text: "Hello",
  },
  errorCases: [
    {
      title: "a key Mailgun refuses (401 Forbidden, plain text)",
      createProvider: () => mailgun({ apiKey: "wrong", apiUrl: unauthorized.apiUrl }),
      expect: { code: "api_error", retryable: false },
    },
    {
      title: "429 rate limit",
      createProvider: () => mailgun({ apiKey: "key-conformance", apiUrl: throttled.apiUrl }),
      expect: { code: "api_error", retryable: true },
    },
    {
      title: "504 from a gateway: Mailgun may have accepted it",
      createProvider: () => mailgun({ apiKey: "key-conformance", apiUrl: unavailable.apiUrl }),
      expect: { code: "api_error", retryable: false },
    },
    {
      title: "a refused connection (never written: safe to retry)",
      createProvider: () => mailgun({ apiKey: "key-conformance", apiUrl: "http://127.0.0.1:9/v3" }),
      expect: { code: "api_error", retryable: true },
    },
  ],
});
