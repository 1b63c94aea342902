import { describeProviderConformance } from "@anymail/core/conformance";
import { type Emulator, startEmulator } from "@anymail/emulator";
import type { CaptureScript } from "@anymail/core/testing";
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

/** Postmark's answer to an accepted /email or /email/withTemplate request. */
const postmarkAccepts: CaptureScript = (request) => {
  const sent = request.json() as { To?: string };
  return {
    body: {
      To: sent.To,
      SubmittedAt: "2026-12-01T08:00:00Z",
      MessageID: "0a129aee-e1cd-480d-b08d-4f48548ff48d",
      ErrorCode: 0,
      Message: "OK",
    },
  };
};

describeProviderConformance({
  name: "Postmark",
  createProvider: () => postmark({ serverToken: "test", apiUrl: ok.url }),
  validMessage: {
    from: "shop@example.com",
    to: "ana@example.org",
    subject: "Hi",
    text: "Hello",
  },
  capture: {
    createProvider: (server) => postmark({ serverToken: "test", apiUrl: server.url }),
    reply: postmarkAccepts,
  },
  templateSend: {
    message: { templateId: "welcome", mergeGlobalData: { name: "Ana" } },
    bodyFields: "refused",
    absent: ["Subject", "TextBody", "HtmlBody"],
  },
  quirkSamples: [
    { title: "two tags", message: { tags: ["a", "b"] }, feature: 'multiple tags (["a","b"])' },
    {
      title: "51 recipients in one message",
      message: { cc: Array.from({ length: 50 }, (_, i) => `c${i}@example.org`) },
      feature: /^more than 50 recipients in one message/,
    },
  ],
  recipientRefusals: [
    {
      title: "an inactive recipient (422, ErrorCode 406)",
      message: { to: ["ana@example.org", "bob@example.org"] },
      reply: {
        status: 422,
        body: {
          ErrorCode: 406,
          Message:
            "You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: bob@example.org. Inactive recipients are ones that have generated a hard bounce or a spam complaint.",
        },
      },
      expect: { "bob@example.org": "rejected" },
    },
    {
      title: "an invalid To address (422, ErrorCode 300)",
      reply: {
        status: 422,
        body: { ErrorCode: 300, Message: "Invalid 'To' address: 'ana@example.org'." },
      },
      expect: { "ana@example.org": "invalid" },
    },
  ],
  payloadMappings: [
    {
      title: "one tag, metadata and tracking",
      message: {
        tags: ["order"],
        metadata: { orderId: "7" },
        trackClicks: false,
        trackOpens: true,
      },
      expect: {
        method: "POST",
        path: "/email",
        body: {
          From: "shop@example.com",
          To: "ana@example.org",
          Subject: "Hi",
          TextBody: "Hello",
          Tag: "order",
          Metadata: { orderId: "7" },
          TrackLinks: "None",
          TrackOpens: true,
        },
      },
    },
    {
      title: "a template alias with its model",
      message: {
        templateId: "welcome",
        mergeGlobalData: { name: "Ana" },
        subject: undefined,
        text: undefined,
      },
      expect: {
        path: "/email/withTemplate",
        body: { TemplateAlias: "welcome", TemplateModel: { name: "Ana" } },
        absent: ["Subject", "TextBody"],
      },
    },
  ],
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
