import { describeProviderConformance } from "@anymail/core/conformance";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { afterAll, beforeAll } from "vitest";
import { resend } from "../src/index.js";

let emu: ResendEmulator;
let quota: ResendEmulator;

beforeAll(async () => {
  emu = await startResendEmulator({ port: 0, rateLimit: false });
  quota = await startResendEmulator({ port: 0, rateLimit: false, dailyQuota: 0 });
  // The conformance suite's templateId sample names a template that exists at the ESP.
  const auth = { authorization: "Bearer re_conformance", "content-type": "application/json" };
  const created = await fetch(`${emu.url}/templates`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ name: "conformance", alias: "conformance-template", html: "<p>Hi</p>" }),
  });
  const { id } = (await created.json()) as { id: string };
  await fetch(`${emu.url}/templates/${id}/publish`, { method: "POST", headers: auth });
});
afterAll(async () => {
  await Promise.all([emu.close(), quota.close()]);
});

describeProviderConformance({
  name: "Resend",
  createProvider: () => resend({ apiKey: "re_conformance", apiUrl: emu.url }),
  validMessage: {
    from: "Shop <shop@example.com>",
    to: "delivered@resend.dev",
    subject: "Conformance",
    text: "Hello",
  },
  errorCases: [
    {
      title: "an API key Resend doesn't know",
      createProvider: () => resend({ apiKey: "not-a-resend-key", apiUrl: emu.url }),
      expect: { code: "api_error", retryable: false, providerCode: "invalid_api_key" },
    },
    {
      title: "the daily quota used up",
      createProvider: () => resend({ apiKey: "re_conformance", apiUrl: quota.url }),
      expect: { code: "api_error", retryable: false, providerCode: "daily_quota_exceeded" },
    },
    {
      title: "a refused connection",
      createProvider: () => resend({ apiKey: "re_conformance", apiUrl: "http://127.0.0.1:9/" }),
      expect: { code: "api_error", retryable: true },
    },
  ],
});
