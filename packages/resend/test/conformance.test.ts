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
  // The capture server answers like Resend's POST /emails: 200 { id }.
  capture: { createProvider: (server) => resend({ apiKey: "re_conformance", apiUrl: server.url }) },
  templateSend: {
    message: { templateId: "conformance-template", mergeGlobalData: { NAME: "Ana" } },
    bodyFields: "refused",
    absent: ["html", "text"],
  },
  quirkSamples: [
    {
      title: "51 to recipients",
      message: { to: Array.from({ length: 51 }, (_, i) => `r${i}@example.org`) },
      feature: /^more than 50 to recipients/,
    },
    {
      title: "an attachment with sendAt",
      message: {
        attachments: [{ filename: "a.txt", content: "a" }],
        sendAt: new Date(Date.now() + 3_600_000),
      },
      feature: "attachments with sendAt",
    },
  ],
  payloadMappings: [
    {
      title: "tags and metadata become X-Tags and X-Metadata headers",
      message: { tags: ["order"], metadata: { orderId: 7 }, replyTo: "help@example.com" },
      expect: {
        method: "POST",
        path: "/emails",
        body: {
          from: "Shop <shop@example.com>",
          to: ["delivered@resend.dev"],
          reply_to: ["help@example.com"],
          subject: "Conformance",
          text: "Hello",
          headers: { "X-Tags": '["order"]', "X-Metadata": '{"orderId":7}' },
        },
      },
    },
    {
      title: "a template send: template id and variables, no text",
      message: { templateId: "welcome", mergeGlobalData: { NAME: "Ana" }, text: undefined },
      expect: {
        path: "/emails",
        body: { template: { id: "welcome", variables: { NAME: "Ana" } } },
        absent: ["text", "html"],
      },
    },
  ],
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
