import { describeProviderConformance } from "@anymail/core/conformance";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { afterAll, beforeAll } from "vitest";
import { postmark } from "../src/index.js";

// Against the emulator's Postmark personality over real HTTP; the failing cases are
// emulators scripted to fail every request.
let ok: Emulator;
let limited: Emulator;
let down: Emulator;
beforeAll(async () => {
  const base = { provider: "postmark", port: 0, rateLimit: false } as const;
  [ok, limited, down] = await Promise.all([
    startEmulator({ ...base, apiKeys: ["test"] }),
    startEmulator({ ...base, faults: { "*": { errorRate: 1, errorStatus: 429 } } }),
    startEmulator({ ...base, faults: { "*": { errorRate: 1, errorStatus: 503 } } }),
  ]);
});
afterAll(() => Promise.all([ok.close(), limited.close(), down.close()]));

describeProviderConformance({
  name: "Postmark",
  createProvider: () => postmark({ serverToken: "test", apiUrl: ok.url }),
  validMessage: {
    from: "shop@example.com",
    to: "ana@example.org",
    subject: "Hi",
    text: "Hello",
  },
  errorCases: [
    {
      title: "429 rate limit",
      createProvider: () => postmark({ serverToken: "test", apiUrl: limited.url }),
      expect: { code: "api_error", retryable: true, providerCode: "429" },
    },
    {
      title: "401 bad server token",
      createProvider: () => postmark({ serverToken: "not-the-token", apiUrl: ok.url }),
      expect: { code: "api_error", retryable: false, providerCode: "10" },
    },
    {
      title: "503 maintenance",
      createProvider: () => postmark({ serverToken: "test", apiUrl: down.url }),
      expect: { code: "api_error", retryable: true, providerCode: "503" },
    },
  ],
});
