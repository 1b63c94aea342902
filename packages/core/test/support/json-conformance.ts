// The conformance options, declared once for the JSON provider: used by the passing suite
// (conformance-options.test.ts) and by the broken-provider fixture.
import { afterAll, beforeAll } from "vitest";
import type { ConformanceOptions } from "../../src/conformance.js";
import { type CaptureServer, startCaptureServer } from "../../src/testing.js";
import { type Breakage, jsonProvider } from "./json-provider.js";

/** The server the general checks send to (the capture-based ones get their own). */
export function jsonServer(): { url(): string } {
  let server: CaptureServer | undefined;
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(() => server?.close());
  return { url: () => server!.url };
}

export function jsonConformance(server: { url(): string }, broken?: Breakage): ConformanceOptions {
  return {
    name: broken === undefined ? "Json" : `Json broken: ${broken}`,
    createProvider: () => jsonProvider(server.url(), broken),
    validMessage: { from: "shop@example.com", to: "ana@example.org", subject: "Hi", text: "Hello" },
    capture: { createProvider: (server) => jsonProvider(server.url, broken) },
    templateSend: {
      message: { templateId: "welcome", mergeGlobalData: { name: "Ana" } },
      bodyFields: "refused",
      absent: ["subject", "text", "html"],
    },
    quirkSamples: [{ title: "two tags", message: { tags: ["a", "b"] }, feature: "multiple tags" }],
    recipientRefusals: [
      {
        title: "one of two recipients invalid",
        message: { to: ["ana@example.org", "bob@example.org"] },
        reply: { status: 200, body: { id: "m1", refused: { "bob@example.org": "invalid" } } },
        expect: { "bob@example.org": "invalid" },
      },
    ],
    payloadMappings: [
      {
        title: "subject, text and the first tag",
        message: { tags: ["order"] },
        expect: {
          method: "POST",
          path: "/send",
          body: {
            from: "shop@example.com",
            to: ["ana@example.org"],
            subject: "Hi",
            text: "Hello",
            tag: "order",
          },
        },
      },
    ],
  };
}
