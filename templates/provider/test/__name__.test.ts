import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describeProviderConformance } from "@anymail/core/conformance";
import { afterAll, beforeAll } from "vitest";
import { __name__ } from "../src/index.js";

/** A real HTTP stand-in for the placeholder API: 200 with an id, or scripted errors. */
let server: Server;
let baseUrl = "";

beforeAll(async () => {
  server = createServer(async (request: IncomingMessage, response) => {
    for await (const _chunk of request) {
      // Drain the body so the connection can be reused.
    }
    const scenario = request.headers.authorization?.replace("Bearer ", "");
    if (scenario === "rate-limited") {
      response.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
      response.end(JSON.stringify({ name: "rate_limit_exceeded", message: "Too many requests" }));
      return;
    }
    if (scenario === "bad-key") {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ name: "invalid_api_key", message: "API key is invalid" }));
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ id: "msg_1" }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, "close");
});

describeProviderConformance({
  name: "__Name__",
  createProvider: () => __name__({ apiKey: "ok", apiUrl: baseUrl }),
  validMessage: { from: "shop@example.com", to: "ana@example.org", subject: "Hi", text: "Hello" },
  // The suite's capture server stands in for the API: it records each request and answers
  // as scripted (default: 200 { id }). Replace the expectations with your ESP's.
  capture: { createProvider: (server) => __name__({ apiKey: "ok", apiUrl: server.url }) },
  quirkSamples: [
    {
      title: "a non-ASCII local part",
      message: { to: "jörg@example.org" },
      feature: "non-ASCII local parts (EAI)",
    },
  ],
  recipientRefusals: [
    {
      title: "one recipient rejected inside a 200",
      message: { to: ["ana@example.org", "bob@example.org"] },
      reply: { status: 200, body: { id: "msg_1", rejected: ["bob@example.org"] } },
      expect: { "bob@example.org": "rejected" },
    },
  ],
  payloadMappings: [
    {
      title: "the JSON body of POST /emails",
      message: { cc: "carol@example.org", tags: ["order"], metadata: { orderId: "7" } },
      expect: {
        method: "POST",
        path: "/emails",
        body: {
          from: "shop@example.com",
          to: ["ana@example.org"],
          cc: ["carol@example.org"],
          subject: "Hi",
          text: "Hello",
          tags: ["order"],
          metadata: { orderId: "7" },
        },
      },
    },
  ],
  errorCases: [
    {
      title: "429 is retryable and keeps the provider's code",
      createProvider: () => __name__({ apiKey: "rate-limited", apiUrl: baseUrl }),
      expect: { code: "api_error", retryable: true, providerCode: "rate_limit_exceeded" },
    },
    {
      title: "401 is not retryable",
      createProvider: () => __name__({ apiKey: "bad-key", apiUrl: baseUrl }),
      expect: { code: "api_error", retryable: false, providerCode: "invalid_api_key" },
    },
  ],
});
