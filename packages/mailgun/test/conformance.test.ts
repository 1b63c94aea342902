import { describeProviderConformance } from "@anymail/core/conformance";
import type { CapturedRequest } from "@anymail/core/testing";
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

/** A multipart/form-data body as `{ name: [values…] }` (files by name). */
async function formFields(request: CapturedRequest): Promise<Record<string, string[]>> {
  const form = await new Response(request.text(), {
    headers: { "content-type": request.headers["content-type"] ?? "" },
  }).formData();
  const fields: Record<string, string[]> = {};
  for (const [name, value] of form) {
    const values = fields[name] ?? [];
    values.push(typeof value === "string" ? value : value.name);
    fields[name] = values;
  }
  return fields;
}

describeProviderConformance({
  name: "Mailgun",
  createProvider: () => mailgun({ apiKey: "key-conformance", apiUrl: ok.apiUrl }),
  validMessage: {
    from: "Shop <shop@example.com>",
    to: "ana@example.org",
    subject: "Conformance",
    text: "Hello",
  },
  capture: {
    createProvider: (server) =>
      mailgun({ apiKey: "key-conformance", apiUrl: new URL("v3", server.url).href }),
    reply: { status: 200, body: { id: "<20261201.1@example.com>", message: "Queued. Thank you." } },
    decode: formFields,
  },
  quirkSamples: [
    {
      title: "cc without to",
      message: { to: [], cc: "c@example.org" },
      feature: "messages without a to recipient",
    },
    {
      title: "a non-ASCII local part in from",
      message: { from: "jörg@example.com" },
      feature: /^EAI in from/,
    },
  ],
  payloadMappings: [
    {
      title: "tags, metadata, tracking and headers as o:, v: and h: fields",
      message: {
        tags: ["order", "vip"],
        metadata: { orderId: 7 },
        trackClicks: false,
        headers: { "X-Ref": "7" },
      },
      expect: {
        method: "POST",
        path: "/v3/example.com/messages",
        body: {
          from: ["Shop <shop@example.com>"],
          to: ["ana@example.org"],
          subject: ["Conformance"],
          text: ["Hello"],
          "o:tag": ["order", "vip"],
          "o:tracking-clicks": ["no"],
          "v:orderId": ["7"],
          "h:X-Ref": ["7"],
        },
      },
    },
  ],
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
