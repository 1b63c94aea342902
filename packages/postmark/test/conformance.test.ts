import { describeProviderConformance } from "@anymail/core/conformance";
import { afterAll, beforeAll } from "vitest";
import { postmark } from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";
import { postmarkLike } from "./support/postmark-like.js";

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
  server.handler = postmarkLike;
});
afterAll(() => server.close());

describeProviderConformance({
  name: "Postmark",
  createProvider: () => postmark({ serverToken: "test", apiUrl: server.url }),
  validMessage: {
    from: "shop@example.com",
    to: "ana@example.org",
    subject: "Hi",
    text: "Hello",
  },
  errorCases: [
    {
      title: "429 rate limit",
      createProvider: () => postmark({ serverToken: "rate-limited", apiUrl: server.url }),
      expect: { code: "api_error", retryable: true, providerCode: "429" },
    },
    {
      title: "401 bad server token",
      createProvider: () => postmark({ serverToken: "bad-token", apiUrl: server.url }),
      expect: { code: "api_error", retryable: false, providerCode: "10" },
    },
    {
      title: "503 maintenance",
      createProvider: () => postmark({ serverToken: "down", apiUrl: server.url }),
      expect: { code: "api_error", retryable: true, providerCode: "503" },
    },
  ],
});
